// Fields most records leave empty, stored apart: a record carries one null pointer until a field is set.
// Reading an unset record gives a shared empty value and never allocates; copies are deep.
#pragma once

#include <memory>

namespace tscope::io {

template <typename T> class RareFields {
public:
    RareFields() = default;
    RareFields(const RareFields& other)
        : m_fields(other.m_fields ? std::make_unique<T>(*other.m_fields) : nullptr)
    { }
    RareFields& operator=(const RareFields& other)
    {
        if (this != &other) m_fields = other.m_fields ? std::make_unique<T>(*other.m_fields) : nullptr;
        return *this;
    }
    RareFields(RareFields&&) noexcept = default;
    RareFields& operator=(RareFields&&) noexcept = default;
    ~RareFields() = default;

    const T& get() const { return m_fields ? *m_fields : empty(); }
    T& edit()
    {
        if (!m_fields) m_fields = std::make_unique<T>();
        return *m_fields;
    }
    bool isSet() const { return m_fields != nullptr; }

private:
    static const T& empty()
    {
        static const T none {};
        return none;
    }
    std::unique_ptr<T> m_fields;
};

} // namespace tscope::io
