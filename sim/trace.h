#pragma once
/// Trace tables: rows of fixed-layout structs that components append and a recorder stores (HDF5 compound tables).
///
/// A component describes its row struct once with TraceSchemaBuilder, asks the simulation for a table, and appends
/// rows. When the scenario does not ask for the table, `append` is a single branch and stores nothing.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace qdes {

enum class FieldType { kU8, kI32, kU32, kI64, kU64, kF32, kF64, kText };

/// A fixed-width text field (an HDF5 fixed-length string, NUL-terminated): names in a row, such as a layer's.
template <std::size_t N>
struct TraceText {
    static_assert(N > 1);
    char text[N] = {};
    /// Copies `s`, cut to N - 1 bytes.
    void set(const std::string& s) {
        const std::size_t n = std::min(s.size(), N - 1);
        std::memcpy(text, s.data(), n);
        text[n] = '\0';
    }
};

template <class T>
struct is_trace_text : std::false_type {};
template <std::size_t N>
struct is_trace_text<TraceText<N>> : std::true_type {};

template <class T>
constexpr FieldType field_type_of() {
    if constexpr (is_trace_text<T>::value)
        return FieldType::kText;
    else if constexpr (std::is_same_v<T, std::uint8_t> || std::is_same_v<T, bool>)
        return FieldType::kU8;
    else if constexpr (std::is_same_v<T, std::int32_t>)
        return FieldType::kI32;
    else if constexpr (std::is_same_v<T, std::uint32_t>)
        return FieldType::kU32;
    else if constexpr (std::is_same_v<T, std::int64_t>)
        return FieldType::kI64;
    else if constexpr (std::is_same_v<T, std::uint64_t>)
        return FieldType::kU64;
    else if constexpr (std::is_same_v<T, float>)
        return FieldType::kF32;
    else if constexpr (std::is_same_v<T, double>)
        return FieldType::kF64;
    else
        static_assert(sizeof(T) == 0, "trace fields are fixed-width integers, float, double or TraceText");
}

const char* field_type_name(FieldType t);

struct TraceField {
    std::string name;
    FieldType type;
    std::size_t offset;
    std::size_t bytes;  ///< the field's size (a TraceText's width)
    std::string unit;  ///< "ps", "s", "" for a count
    std::string doc;
};

/// The layout of one trace table. `name` is "<component>.<table>".
struct TraceSchema {
    std::string name;
    std::string doc;
    std::size_t row_bytes = 0;
    std::vector<TraceField> fields;
};

/// Describes the fields of a row struct: `TraceSchemaBuilder<Row>("sink.customers", "...").field("arrival_ps",
/// &Row::arrival_ps, "ps", "when the customer arrived")`.
template <class Row>
class TraceSchemaBuilder {
    static_assert(std::is_trivially_copyable_v<Row> && std::is_standard_layout_v<Row>);

  public:
    TraceSchemaBuilder(std::string name, std::string doc) {
        schema_.name = std::move(name);
        schema_.doc = std::move(doc);
        schema_.row_bytes = sizeof(Row);
    }
    template <class T>
    TraceSchemaBuilder& field(std::string name, T Row::*member, std::string unit, std::string doc) {
        static const Row probe{};
        auto offset =
            std::size_t(reinterpret_cast<const char*>(&(probe.*member)) - reinterpret_cast<const char*>(&probe));
        schema_.fields.push_back(
            {std::move(name), field_type_of<T>(), offset, sizeof(T), std::move(unit), std::move(doc)});
        return *this;
    }
    TraceSchema build() const { return schema_; }

  private:
    TraceSchema schema_;
};

/// Where a recorder receives rows. Implementations buffer a chunk of rows and write whole chunks.
class TraceSink {
  public:
    virtual ~TraceSink() = default;
    virtual void append(const void* row) = 0;
};

/// A component's handle to one trace table.
template <class Row>
class TraceTable {
  public:
    TraceTable() = default;
    explicit TraceTable(TraceSink* sink) : sink_(sink) {}
    bool enabled() const { return sink_ != nullptr; }
    void append(const Row& row) {
        if (sink_) sink_->append(&row);
    }

  private:
    TraceSink* sink_ = nullptr;
};

}  // namespace qdes
