#include "sim/port.h"

#include "sim/component.h"

namespace qdes {

PortBase::PortBase(Component& owner, std::string name, PortDirection direction, std::type_index type,
                   std::string type_name, std::string doc, bool optional)
    : owner_(owner),
      name_(std::move(name)),
      direction_(direction),
      type_(type),
      type_name_(type_name.substr(type_name.rfind(':') == std::string::npos ? 0 : type_name.rfind(':') + 1)),
      doc_(std::move(doc)),
      optional_(optional) {
    owner.register_port(*this);
}

void PortBase::attach(PortBase& to, TimePs) {
    throw std::logic_error("port " + path() + " cannot be linked to " + to.path() + ": it is not an out-port");
}

std::string PortBase::path() const {
    return owner_.name() + "." + name_;
}

}  // namespace qdes
