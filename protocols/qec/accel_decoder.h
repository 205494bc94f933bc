#pragma once
/// Decoders on simulated hardware behind the Decoder interface: the union-find accelerator
/// (hardware/decoder/uf_accel.h) on a decoding graph lowered to its own form, each decode's cycles and time kept.

#include <memory>

#include "hardware/decoder/uf_accel.h"
#include "protocols/qec/decoder.h"

namespace qdes::qec {

/// The graph as the accelerator holds it: the same vertices and edges in the same order, each edge's length as the
/// software union-find takes it at `resolution` (union_find_lengths).
hw::UfGraph lower_to_uf_accel(const DecodingGraph& graph, std::uint32_t resolution);

class AcceleratedUnionFind final : public Decoder {
  public:
    /// `graph` must outlive the decoder. Throws std::invalid_argument as hw::UfAccelerator does.
    AcceleratedUnionFind(const DecodingGraph& graph, std::uint32_t resolution, const hw::UfAccelConfig& config);
    std::uint64_t decode(const std::vector<std::uint32_t>& defects) override;
    std::uint64_t decode_edges(const std::vector<std::uint32_t>& defects, std::vector<std::uint32_t>& edges) override;
    const char* name() const override { return "uf_accel"; }
    std::optional<Simulated> last_simulated() const override { return last_; }
    const hw::UfAccelCycles& last_cycles() const { return cycles_; }
    const hw::UfAccelerator& accelerator() const { return *accel_; }

  private:
    const hw::UfAccelResult& run(const std::vector<std::uint32_t>& defects);

    hw::UfGraph lowered_;
    std::unique_ptr<hw::UfAccelerator> accel_;
    hw::UfAccelCycles cycles_;
    std::optional<Simulated> last_;
};

}  // namespace qdes::qec
