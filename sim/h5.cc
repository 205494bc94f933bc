#include "sim/h5.h"

#include <algorithm>

namespace qdes::h5 {

void silence_library_errors() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Handle::Handle(hid_t id, Closer closer, const char* what) : id_(id), closer_(closer) {
    if (id < 0) throw Error(std::string("HDF5: cannot ") + what);
}

Handle& Handle::operator=(Handle&& o) noexcept {
    if (this != &o) {
        close();
        id_ = o.id_;
        closer_ = o.closer_;
        o.id_ = -1;
    }
    return *this;
}

void Handle::close() {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = -1;
}

void check(herr_t status, const std::string& what) {
    if (status < 0) throw Error("HDF5: cannot " + what);
}

Handle create_file(const std::string& path) {
    return Handle(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                  ("create file " + path).c_str());
}

Handle open_file_read(const std::string& path) {
    return Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, ("open file " + path).c_str());
}

Handle create_group(hid_t parent, const std::string& name) {
    return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                  ("create group " + name).c_str());
}

Handle vlen_string_type() {
    Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
    check(H5Tset_size(t.id(), H5T_VARIABLE), "set string size");
    check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "set string charset");
    return t;
}

namespace {
void write_attribute_raw(hid_t object, const std::string& name, hid_t type, const void* data) {
    if (H5Aexists(object, name.c_str()) > 0) check(H5Adelete(object, name.c_str()), "replace attribute " + name);
    Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
    Handle attr(H5Acreate2(object, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                ("create attribute " + name).c_str());
    check(H5Awrite(attr.id(), type, data), "write attribute " + name);
}
}  // namespace

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
    Handle t = vlen_string_type();
    const char* p = value.c_str();
    write_attribute_raw(object, name, t.id(), &p);
}

void write_attribute(hid_t object, const std::string& name, std::uint64_t value) {
    write_attribute_raw(object, name, H5T_NATIVE_UINT64, &value);
}

void write_attribute(hid_t object, const std::string& name, double value) {
    write_attribute_raw(object, name, H5T_NATIVE_DOUBLE, &value);
}

std::string read_string_attribute(hid_t object, const std::string& name) {
    Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, ("open attribute " + name).c_str());
    Handle t = vlen_string_type();
    char* p = nullptr;
    check(H5Aread(attr.id(), t.id(), &p), "read attribute " + name);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
}

bool has_attribute(hid_t object, const std::string& name) {
    return H5Aexists(object, name.c_str()) > 0;
}

std::uint64_t read_u64_attribute(hid_t object, const std::string& name) {
    Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, ("open attribute " + name).c_str());
    std::uint64_t v = 0;
    check(H5Aread(attr.id(), H5T_NATIVE_UINT64, &v), "read attribute " + name);
    return v;
}

double read_number_attribute(hid_t object, const std::string& name) {
    Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, ("open attribute " + name).c_str());
    Handle type(H5Aget_type(attr.id()), H5Tclose, ("get the type of attribute " + name).c_str());
    const H5T_class_t cls = H5Tget_class(type.id());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw Error("HDF5: attribute " + name + " is not a number");
    double v = 0;
    check(H5Aread(attr.id(), H5T_NATIVE_DOUBLE, &v), "read attribute " + name);
    return v;
}

namespace {
void write_array_raw(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& dims, hid_t mem_type,
                     hid_t file_type, const void* data, std::size_t element_bytes) {
    std::vector<hsize_t> d(dims.begin(), dims.end());
    Handle space(d.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr),
                 H5Sclose, "create dataspace");
    std::uint64_t count = 1;
    for (auto x : dims) count *= x;
    Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
    if (!d.empty() && count * element_bytes > 4096) {
        check(H5Pset_chunk(plist.id(), static_cast<int>(d.size()), d.data()), "chunk dataset " + name);
        check(H5Pset_shuffle(plist.id()), "shuffle dataset " + name);
        check(H5Pset_deflate(plist.id(), 4), "compress dataset " + name);
    }
    Handle ds(H5Dcreate2(parent, name.c_str(), file_type, space.id(), H5P_DEFAULT, plist.id(), H5P_DEFAULT), H5Dclose,
              ("create dataset " + name).c_str());
    if (count > 0) check(H5Dwrite(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset " + name);
}

template <class T>
Array<T> read_array_raw(hid_t parent, const std::string& name, hid_t mem_type) {
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, ("open dataset " + name).c_str());
    Handle type(H5Dget_type(ds.id()), H5Tclose, ("get the type of dataset " + name).c_str());
    const H5T_class_t cls = H5Tget_class(type.id());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw Error("HDF5: dataset " + name + " is not numeric");
    Handle space(H5Dget_space(ds.id()), H5Sclose, "get dataspace");
    const int rank = H5Sget_simple_extent_ndims(space.id());
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space.id(), d.data(), nullptr);
    Array<T> out;
    std::uint64_t count = 1;
    for (auto x : d) {
        out.dims.push_back(x);
        count *= x;
    }
    out.values.resize(count);
    if (count > 0) check(H5Dread(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()), "read " + name);
    return out;
}
}  // namespace

void write_array(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& dims, const float* data) {
    write_array_raw(parent, name, dims, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, data, sizeof(float));
}

Array<float> read_float_array(hid_t parent, const std::string& name) {
    return read_array_raw<float>(parent, name, H5T_NATIVE_FLOAT);
}

bool has_link(hid_t parent, const std::string& name) {
    return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> member_names(hid_t group) {
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5L_info_t*, void* op) -> herr_t {
        static_cast<std::vector<std::string>*>(op)->emplace_back(name);
        return 0;
    };
    hsize_t idx = 0;
    check(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &names), "list group members");
    return names;
}

Handle open_group(hid_t parent, const std::string& name) {
    return Handle(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, ("open group " + name).c_str());
}

Handle transfer_for(std::uint64_t bytes) {
    Handle plist(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer properties");
    const std::uint64_t size = std::clamp<std::uint64_t>(2 * bytes, 4096, 1 << 20);
    check(H5Pset_buffer(plist.id(), size, nullptr, nullptr), "size the conversion buffer");
    return plist;
}

void write_string_dataset(hid_t parent, const std::string& name, const std::string& value) {
    Handle t = vlen_string_type();
    Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
    Handle ds(H5Dcreate2(parent, name.c_str(), t.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
              ("create dataset " + name).c_str());
    const char* p = value.c_str();
    check(H5Dwrite(ds.id(), t.id(), H5S_ALL, H5S_ALL, transfer_for(sizeof p).id(), &p), "write dataset " + name);
}

std::string read_string_dataset(hid_t parent, const std::string& name) {
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, ("open dataset " + name).c_str());
    Handle t = vlen_string_type();
    char* p = nullptr;
    check(H5Dread(ds.id(), t.id(), H5S_ALL, H5S_ALL, transfer_for(sizeof p).id(), &p), "read dataset " + name);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
}

Handle compound_type(const TraceSchema& schema) {
    Handle t(H5Tcreate(H5T_COMPOUND, schema.row_bytes), H5Tclose, "create compound type");
    for (const TraceField& f : schema.fields) {
        if (f.type == FieldType::kText) {
            Handle text(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
            check(H5Tset_size(text.id(), f.bytes), "size of text field " + f.name);
            check(H5Tset_strpad(text.id(), H5T_STR_NULLTERM), "padding of text field " + f.name);
            check(H5Tinsert(t.id(), f.name.c_str(), f.offset, text.id()), "add field " + f.name);
            continue;
        }
        hid_t member = H5T_NATIVE_UINT8;
        switch (f.type) {
            case FieldType::kU8:
                member = H5T_NATIVE_UINT8;
                break;
            case FieldType::kI32:
                member = H5T_NATIVE_INT32;
                break;
            case FieldType::kU32:
                member = H5T_NATIVE_UINT32;
                break;
            case FieldType::kI64:
                member = H5T_NATIVE_INT64;
                break;
            case FieldType::kU64:
                member = H5T_NATIVE_UINT64;
                break;
            case FieldType::kF32:
                member = H5T_NATIVE_FLOAT;
                break;
            case FieldType::kF64:
                member = H5T_NATIVE_DOUBLE;
                break;
            case FieldType::kText:
                break;
        }
        check(H5Tinsert(t.id(), f.name.c_str(), f.offset, member), "add field " + f.name);
    }
    return t;
}

Table::Table(hid_t parent, const std::string& name, Handle type, std::uint64_t chunk_rows) : type_(std::move(type)) {
    hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = chunk_rows;
    Handle space(H5Screate_simple(1, &zero, &unlimited), H5Sclose, "create dataspace");
    Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
    check(H5Pset_chunk(props.id(), 1, &chunk), "set chunking");
    check(H5Pset_shuffle(props.id()), "set shuffle filter");
    check(H5Pset_deflate(props.id(), 4), "set deflate filter");
    dataset_ = Handle(H5Dcreate2(parent, name.c_str(), type_.id(), space.id(), H5P_DEFAULT, props.id(), H5P_DEFAULT),
                      H5Dclose, ("create table " + name).c_str());
}

void Table::append(const void* data, std::uint64_t rows) {
    if (rows == 0) return;
    hsize_t new_size = rows_ + rows, start = rows_, count = rows;
    check(H5Dset_extent(dataset_.id(), &new_size), "extend table");
    Handle file_space(H5Dget_space(dataset_.id()), H5Sclose, "get dataspace");
    check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, &start, nullptr, &count, nullptr), "select rows");
    Handle mem_space(H5Screate_simple(1, &count, nullptr), H5Sclose, "create dataspace");
    const Handle transfer = transfer_for(rows * H5Tget_size(type_.id()));
    check(H5Dwrite(dataset_.id(), type_.id(), mem_space.id(), file_space.id(), transfer.id(), data), "write rows");
    rows_ = new_size;
}

CompoundType::CompoundType(std::size_t row_size)
    : string_(vlen_string_type()), type_(H5Tcreate(H5T_COMPOUND, row_size), H5Tclose, "create compound type") {}

CompoundType& CompoundType::text(const char* name, std::size_t offset) {
    return add(name, offset, string_.id());
}
CompoundType& CompoundType::u64(const char* name, std::size_t offset) {
    return add(name, offset, H5T_NATIVE_UINT64);
}
CompoundType& CompoundType::f64(const char* name, std::size_t offset) {
    return add(name, offset, H5T_NATIVE_DOUBLE);
}

CompoundType& CompoundType::add(const char* name, std::size_t offset, hid_t type) {
    check(H5Tinsert(type_.id(), name, offset, type), std::string("add field ") + name);
    return *this;
}

}  // namespace qdes::h5
