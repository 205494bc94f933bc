#include "models/quantum/shot_format.h"

#include <stdexcept>

namespace qdes::quantum {

ShotFormat parse_shot_format(const std::string& name) {
    if (name == "01") return ShotFormat::k01;
    if (name == "b8") return ShotFormat::kB8;
    throw std::invalid_argument("unknown output format '" + name + "' (known: 01, b8)");
}

void write_shots(std::ostream& out, const BitTable& first, const BitTable& second, std::size_t count,
                 ShotFormat format) {
    const std::size_t a = first.rows(), b = second.rows(), bits = a + b;
    std::string buffer;
    const std::size_t per_shot = format == ShotFormat::k01 ? bits + 1 : (bits + 7) / 8;
    constexpr std::size_t kBlock = 64;  // shots per pass: one word of every row
    buffer.reserve(per_shot * kBlock);
    for (std::size_t s0 = 0; s0 < count; s0 += kBlock) {
        const std::size_t n = std::min(kBlock, count - s0);
        buffer.assign(per_shot * n, format == ShotFormat::k01 ? '0' : '\0');
        const std::size_t word = s0 / 64;
        for (std::size_t r = 0; r < bits; ++r) {
            std::uint64_t w = r < a ? first.row(r)[word] : second.row(r - a)[word];
            while (w) {
                unsigned s = unsigned(__builtin_ctzll(w));
                w &= w - 1;
                if (s >= n) break;
                if (format == ShotFormat::k01)
                    buffer[s * per_shot + r] = '1';
                else
                    buffer[s * per_shot + r / 8] = char(static_cast<unsigned char>(buffer[s * per_shot + r / 8]) |
                                                        (1u << (r % 8)));
            }
        }
        if (format == ShotFormat::k01)
            for (std::size_t s = 0; s < n; ++s) buffer[s * per_shot + bits] = '\n';
        out.write(buffer.data(), std::streamsize(buffer.size()));
    }
}

std::vector<std::vector<std::uint8_t>> read_shots(const std::string& data, std::size_t bits_per_shot,
                                                  ShotFormat format) {
    std::vector<std::vector<std::uint8_t>> shots;
    if (format == ShotFormat::k01) {
        std::size_t pos = 0;
        while (pos < data.size()) {
            std::size_t nl = data.find('\n', pos);
            if (nl == std::string::npos) throw std::runtime_error("01 data: last line has no newline");
            if (nl - pos != bits_per_shot)
                throw std::runtime_error("01 data: shot " + std::to_string(shots.size()) + " has " +
                                         std::to_string(nl - pos) + " bits, expected " + std::to_string(bits_per_shot));
            std::vector<std::uint8_t> bits(bits_per_shot);
            for (std::size_t i = 0; i < bits_per_shot; ++i) {
                char c = data[pos + i];
                if (c != '0' && c != '1') throw std::runtime_error("01 data: unexpected character");
                bits[i] = c == '1';
            }
            shots.push_back(std::move(bits));
            pos = nl + 1;
        }
        return shots;
    }
    const std::size_t bytes = (bits_per_shot + 7) / 8;
    if (bytes == 0) throw std::runtime_error("b8 data: shots without bits cannot be counted");
    if (data.size() % bytes != 0)
        throw std::runtime_error("b8 data: " + std::to_string(data.size()) + " bytes is not a whole number of " +
                                 std::to_string(bytes) + "-byte shots");
    for (std::size_t off = 0; off < data.size(); off += bytes) {
        std::vector<std::uint8_t> bits(bits_per_shot);
        for (std::size_t i = 0; i < bits_per_shot; ++i)
            bits[i] = (static_cast<unsigned char>(data[off + i / 8]) >> (i % 8)) & 1;
        shots.push_back(std::move(bits));
    }
    return shots;
}

}  // namespace qdes::quantum
