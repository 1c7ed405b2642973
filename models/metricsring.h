// A fixed-capacity ring for the live metrics: the storage is reserved once, so a container
// watched for days holds exactly as much memory as one watched for an hour.
#pragma once

#include <QtGlobal>

#include <algorithm>
#include <vector>

namespace launchdeck {

template <typename T> class MetricsRing final
{
public:
    explicit MetricsRing(qsizetype capacity)
        : m_capacity(std::max<qsizetype>(capacity, 1))
    {
        m_items.reserve(static_cast<std::size_t>(m_capacity));
    }

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return qsizetype(m_items.size()); }
    bool isEmpty() const { return m_items.empty(); }
    // Entries pushed out by newer ones.
    qint64 overwritten() const { return m_overwritten; }
    // What the ring holds on the heap; constant after construction.
    qsizetype allocatedBytes() const { return qsizetype(m_items.capacity() * sizeof(T)); }

    void push(const T& item)
    {
        if (size() < m_capacity) {
            m_items.push_back(item);
            return;
        }
        m_items[static_cast<std::size_t>(m_head)] = item;
        m_head = (m_head + 1) % m_capacity;
        ++m_overwritten;
    }

    // `index` 0 is the oldest entry held.
    const T& at(qsizetype index) const
    {
        return m_items[static_cast<std::size_t>((m_head + index) % size())];
    }
    const T& front() const { return at(0); }
    const T& back() const { return at(size() - 1); }

    // The first index whose entry is not before `key` by `less(entry, key)`; entries must be
    // ordered by that key.
    template <typename Key, typename Less> qsizetype lowerBound(const Key& key, Less less) const
    {
        qsizetype first = 0;
        qsizetype count = size();
        while (count > 0) {
            const qsizetype step = count / 2;
            if (less(at(first + step), key)) {
                first += step + 1;
                count -= step + 1;
            } else {
                count = step;
            }
        }
        return first;
    }

private:
    std::vector<T> m_items;
    qsizetype m_capacity;
    qsizetype m_head = 0; // the oldest entry once the ring is full
    qint64 m_overwritten = 0;
};

} // namespace launchdeck
