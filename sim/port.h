#pragma once
/// Typed ports and the links between them.
///
/// A component owns `OutPort<T>` and `InPort<T>` members. `Simulation::connect` joins an out-port to an in-port of
/// the same message type with a latency; `OutPort::send` then delivers the message to the in-port's handler that
/// much later, as an event whose source is the sending component. An out-port has at most one link; an in-port may
/// receive from many. A small trivially copyable message (up to 40 bytes) travels inside its delivery event, which
/// calls the in-port's handler directly; any other message waits in the link's FIFO (the latency is fixed, so
/// messages arrive in the order they were sent) and its event delivers the oldest.

#include <cstddef>
#include <deque>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeindex>
#include <typeinfo>

#include "sim/time.h"

namespace qdes {

class Component;
class Simulation;

enum class PortDirection { kIn, kOut };

/// What all ports share: a name, an owner, a direction and a message type, so scenarios can connect them by name.
class PortBase {
  public:
    PortBase(Component& owner, std::string name, PortDirection direction, std::type_index type, std::string type_name,
             std::string doc, bool optional);
    PortBase(const PortBase&) = delete;
    PortBase& operator=(const PortBase&) = delete;
    virtual ~PortBase() = default;

    const std::string& name() const { return name_; }
    Component& owner() const { return owner_; }
    PortDirection direction() const { return direction_; }
    std::type_index type() const { return type_; }
    /// The message type as users see it, without namespaces ("Job", "Credit").
    const std::string& type_name() const { return type_name_; }
    const std::string& doc() const { return doc_; }
    bool optional() const { return optional_; }
    bool connected() const { return links_ > 0; }
    /// "component.port"
    std::string path() const;

  protected:
    friend class Simulation;
    /// Makes the link from this out-port to `to`, whose type and direction the simulation has checked.
    virtual void attach(PortBase& to, TimePs latency_ps);
    int links_ = 0;

  private:
    Component& owner_;
    std::string name_;
    PortDirection direction_;
    std::type_index type_;
    std::string type_name_;
    std::string doc_;
    bool optional_;
};

/// Names a message type for ports; specialise with QDES_MESSAGE_TYPE(Type).
template <class T>
struct MessageTypeName;
#define QDES_MESSAGE_TYPE(T)                     \
    template <>                                  \
    struct qdes::MessageTypeName<T> {            \
        static constexpr const char* value = #T; \
    }

template <class T>
class InPort final : public PortBase {
  public:
    /// `handler` is called with every message that arrives: a lambda capturing the component (`[this]`) and at most
    /// kHandlerBytes of trivially copyable state, which is stored inline (delivery is on every message's path).
    template <class F>
    InPort(Component& owner, std::string name, F handler, std::string doc = "", bool optional = false)
        : PortBase(owner, std::move(name), PortDirection::kIn, typeid(T), MessageTypeName<T>::value, std::move(doc),
                   optional) {
        static_assert(sizeof(F) <= kHandlerBytes && std::is_trivially_copyable_v<F>,
                      "an in-port handler may capture only a few pointers; keep state in the component");
        ::new (static_cast<void*>(handler_)) F(handler);
        invoke_ = [](void* f, const T& m) { (*std::launder(static_cast<F*>(f)))(m); };
        deliver_event_ = [](void* bytes) {
            auto* d = static_cast<Delivery*>(bytes);
            (*std::launder(reinterpret_cast<F*>(d->port->handler_)))(d->message);
        };
    }
    void deliver(const T& message) { invoke_(handler_, message); }

    /// A message on its way here, as an event carries it; `deliver_event` hands it to the handler.
    struct Delivery {
        InPort* port;
        T message;
    };
    void (*deliver_event() const)(void*) { return deliver_event_; }

  private:
    static constexpr std::size_t kHandlerBytes = 16;
    alignas(std::max_align_t) unsigned char handler_[kHandlerBytes];
    void (*invoke_)(void*, const T&);
    void (*deliver_event_)(void*);
};

/// The connection from one out-port to one in-port; owned by the simulation.
template <class T>
class Link {
  public:
    Link(InPort<T>& target, TimePs latency_ps) : target_(target), latency_ps_(latency_ps) {}
    TimePs latency_ps() const { return latency_ps_; }
    InPort<T>& target() { return target_; }
    const InPort<T>& target() const { return target_; }
    void push(const T& message) { in_flight_.push_back(message); }
    void deliver_front() {
        T message = std::move(in_flight_.front());
        in_flight_.pop_front();
        target_.deliver(message);
    }
    std::size_t in_flight() const { return in_flight_.size(); }

  private:
    InPort<T>& target_;
    TimePs latency_ps_;
    std::deque<T> in_flight_;
};

template <class T>
class OutPort final : public PortBase {
  public:
    OutPort(Component& owner, std::string name, std::string doc = "", bool optional = false)
        : PortBase(owner, std::move(name), PortDirection::kOut, typeid(T), MessageTypeName<T>::value, std::move(doc),
                   optional) {}
    /// Sends a message; it reaches the linked in-port after the link's latency. An unconnected optional port drops
    /// it; an unconnected required port cannot occur (the simulation refuses to start).
    void send(const T& message);

    /// The link, or null while unconnected.
    const Link<T>* link() const { return link_.get(); }

  private:
    void attach(PortBase& to, TimePs latency_ps) override {
        link_ = std::make_unique<Link<T>>(static_cast<InPort<T>&>(to), latency_ps);
    }
    std::unique_ptr<Link<T>> link_;
};

}  // namespace qdes
