#pragma once
/// A small RAII layer over the HDF5 C API: owned handles, error checks that throw, and the few operations qdes
/// needs (groups, string and number attributes, string datasets, extendible compound tables).
///
/// Debian's HDF5 is built thread-safe, so handles may be used from the trace writer thread while the simulation
/// thread creates tables.

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace qdes::h5 {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Turns HDF5's own error printing off for this thread: failures are reported by the exceptions below instead.
void silence_library_errors();

/// An owned hid_t, closed with the right H5*close function.
class Handle {
  public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer closer, const char* what);  ///< throws Error if id < 0
    Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = -1; }
    Handle& operator=(Handle&& o) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() { close(); }
    hid_t id() const { return id_; }
    bool valid() const { return id_ >= 0; }
    void close();

  private:
    hid_t id_ = -1;
    Closer closer_ = nullptr;
};

/// Throws Error(what) when status < 0.
void check(herr_t status, const std::string& what);

Handle create_file(const std::string& path);  ///< fails if the file exists
Handle open_file_read(const std::string& path);
Handle create_group(hid_t parent, const std::string& name);

void write_attribute(hid_t object, const std::string& name, const std::string& value);
void write_attribute(hid_t object, const std::string& name, std::uint64_t value);
void write_attribute(hid_t object, const std::string& name, double value);
std::string read_string_attribute(hid_t object, const std::string& name);
bool has_attribute(hid_t object, const std::string& name);
/// Reads a scalar numeric attribute of any integer or float type, converted to double.
double read_number_attribute(hid_t object, const std::string& name);
/// Reads a scalar integer attribute as uint64, exactly (a double holds only 53 bits).
std::uint64_t read_u64_attribute(hid_t object, const std::string& name);

/// An n-dimensional array read from or written to a dataset (row-major, as HDF5 stores it).
template <class T>
struct Array {
    std::vector<std::uint64_t> dims;
    std::vector<T> values;
};
/// Writes a float32 dataset of the given dims, deflate-compressed when larger than a few kilobytes.
void write_array(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& dims, const float* data);
/// Reads a numeric dataset of any stored type, converted to float.
Array<float> read_float_array(hid_t parent, const std::string& name);
bool has_link(hid_t parent, const std::string& name);
/// The names of a group's direct members, in increasing name order.
std::vector<std::string> member_names(hid_t group);
Handle open_group(hid_t parent, const std::string& name);

/// A scalar variable-length UTF-8 string dataset (for text larger than an attribute may hold).
void write_string_dataset(hid_t parent, const std::string& name, const std::string& value);
std::string read_string_dataset(hid_t parent, const std::string& name);

/// The compound type of a trace schema's rows (native layout, matching the C++ struct).
Handle compound_type(const TraceSchema& schema);
/// A variable-length UTF-8 string type, for compound fields holding `const char*`.
Handle vlen_string_type();

/// A transfer property list whose type-conversion buffer fits `bytes` of data (at least 4 KiB, at most HDF5's
/// default 1 MiB): HDF5 zeroes the whole buffer on every converting read or write, and 1 MiB per small table was a
/// third of the cost of writing a short run's file and most of reading it back.
Handle transfer_for(std::uint64_t bytes);

/// Reads every row of the 1-D compound dataset `name` with the memory type `type` (matching `Row`), calls
/// f(const Row&) for each, then frees the variable-length strings HDF5 allocated for them.
template <class Row, class F>
void read_rows(hid_t parent, const std::string& name, const Handle& type, F&& f) {
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset");
    Handle space(H5Dget_space(ds.id()), H5Sclose, "get dataspace");
    const int rank = H5Sget_simple_extent_ndims(space.id());
    if (rank != 1)
        throw Error("/" + name + " is not a table (a dataset of one dimension; it has " + std::to_string(rank) + ")");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.id(), &n, nullptr);
    if (n == 0) return;
    std::vector<Row> rows(n);  // zeroed: a string HDF5 did not get to is a null pointer, which reclaiming skips
    const Handle transfer = transfer_for(n * sizeof(Row));
    // The strings HDF5 allocated are freed however this ends: a read that fails part-way (a field of another
    // type) has allocated some, and f may throw.
    struct Reclaim {
        hid_t type, space;
        Row* rows;
        ~Reclaim() { H5Dvlen_reclaim(type, space, H5P_DEFAULT, rows); }
    } reclaim{type.id(), space.id(), rows.data()};
    check(H5Dread(ds.id(), type.id(), H5S_ALL, H5S_ALL, transfer.id(), rows.data()), "read /" + name);
    for (const Row& r : rows) f(r);
}

/// Builds a compound type field by field (native layout: offsets from offsetof on the row struct).
class CompoundType {
  public:
    explicit CompoundType(std::size_t row_size);
    CompoundType& text(const char* name, std::size_t offset);  ///< a `const char*` field, variable-length UTF-8
    CompoundType& u64(const char* name, std::size_t offset);
    CompoundType& f64(const char* name, std::size_t offset);
    Handle take() { return std::move(type_); }

  private:
    CompoundType& add(const char* name, std::size_t offset, hid_t type);
    Handle string_, type_;
};

/// An extendible 1-D table of compound rows, chunked `chunk_rows` rows at a time, shuffle + deflate compressed.
class Table {
  public:
    Table(hid_t parent, const std::string& name, Handle type, std::uint64_t chunk_rows);
    Table(Table&&) = default;
    /// Appends `rows` rows laid out as the type says. Call from one thread at a time.
    void append(const void* data, std::uint64_t rows);
    std::uint64_t rows() const { return rows_; }
    hid_t id() const { return dataset_.id(); }

  private:
    Handle type_;
    Handle dataset_;
    std::uint64_t rows_ = 0;
};

/// Writes `rows` whole as the 1-D table `name` (one chunk) with a `doc` attribute.
template <class Row>
void write_table(hid_t parent, const std::string& name, Handle type, const std::vector<Row>& rows,
                 const std::string& doc) {
    Table table(parent, name, std::move(type), rows.empty() ? 1 : rows.size());
    table.append(rows.data(), rows.size());
    write_attribute(table.id(), "doc", doc);
}

}  // namespace qdes::h5
