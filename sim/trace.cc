#include "sim/trace.h"

namespace qdes {

const char* field_type_name(FieldType t) {
    switch (t) {
        case FieldType::kU8:
            return "uint8";
        case FieldType::kI32:
            return "int32";
        case FieldType::kU32:
            return "uint32";
        case FieldType::kI64:
            return "int64";
        case FieldType::kU64:
            return "uint64";
        case FieldType::kF32:
            return "float32";
        case FieldType::kF64:
            return "float64";
        case FieldType::kText:
            return "text";
    }
    return "?";
}

}  // namespace qdes
