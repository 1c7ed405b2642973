// A fixed-capacity FIFO that overwrites its oldest entry when full: bounded memory for log views.
#pragma once

#include <QList>

#include <cstddef>
#include <utility>
#include <vector>

namespace launchdeck {

template <typename T> class RingBuffer final
{
public:
    explicit RingBuffer(std::size_t capacity)
        : m_capacity(capacity == 0 ? 1 : capacity)
    {}

    std::size_t capacity() const { return m_capacity; }
    std::size_t size() const { return m_items.size(); }
    bool isEmpty() const { return m_items.empty(); }
    bool isFull() const { return m_items.size() == m_capacity; }
    // How many entries were overwritten since construction or the last clear().
    quint64 dropped() const { return m_dropped; }
    // How many entries were ever pushed: the absolute index of the next one.
    quint64 pushed() const { return m_dropped + m_items.size(); }

    void push(T value)
    {
        if (m_items.size() < m_capacity) {
            m_items.push_back(std::move(value));
            return;
        }
        m_items[m_head] = std::move(value);
        m_head = (m_head + 1) % m_capacity;
        ++m_dropped;
    }

    // 0 is the oldest entry still held.
    const T& at(std::size_t index) const { return m_items[(m_head + index) % m_items.size()]; }
    const T& newest() const { return at(m_items.size() - 1); }

    QList<T> toList() const
    {
        QList<T> list;
        list.reserve(static_cast<qsizetype>(m_items.size()));
        for (std::size_t i = 0; i < m_items.size(); ++i)
            list.append(at(i));
        return list;
    }

    void clear()
    {
        m_items.clear();
        m_head = 0;
        m_dropped = 0;
    }

private:
    std::vector<T> m_items;
    std::size_t m_capacity;
    std::size_t m_head = 0; // index of the oldest entry once full
    quint64 m_dropped = 0;
};

} // namespace launchdeck
