// Line splitting of process output.
#include "pipeline/linesplitter.h"

#include "pipeline/secretmasker.h"

#include <cstring>

namespace launchdeck {

LineSplitter::LineSplitter(Sink sink, qsizetype maxLine, const SecretMasker* masker)
    : m_sink(std::move(sink))
    , m_maxLine(maxLine < 16 ? 16 : maxLine)
    , m_masker(masker)
{}

void LineSplitter::hold(QByteArrayView tail)
{
    m_partial.append(tail);
    // Hold back enough bytes that a secret (or a \r before \n) cannot straddle the cut unseen.
    const qsizetype holdback = std::max<qsizetype>(1, m_masker ? m_masker->longest() : 0);
    qsizetype done = 0;
    while (m_partial.size() - done >= m_maxLine + holdback) {
        const QByteArrayView rest = QByteArrayView(m_partial).sliced(done);
        const qsizetype cut = m_masker ? m_masker->safeCut(rest, m_maxLine) : m_maxLine;
        m_sink(rest.first(cut), false);
        m_open = true;
        done += cut;
    }
    if (done > 0)
        m_partial.remove(0, done);
}

void LineSplitter::feed(QByteArrayView data)
{
    const char* begin = data.data();
    const char* end = begin + data.size();
    if (begin == end)
        return;
    if (!m_partial.isEmpty()) {
        const auto* newline =
            static_cast<const char*>(std::memchr(begin, '\n', static_cast<size_t>(end - begin)));
        if (!newline) {
            hold(QByteArrayView(begin, end));
            return;
        }
        m_partial.append(begin, newline + 1 - begin);
        m_sink(m_partial, true);
        m_open = false;
        m_partial.clear();
        if (m_partial.capacity() > 4 * m_maxLine)
            m_partial.squeeze();
        begin = newline + 1;
    }
    const auto* last =
        static_cast<const char*>(::memrchr(begin, '\n', static_cast<size_t>(end - begin)));
    if (last) {
        m_sink(QByteArrayView(begin, last + 1), true);
        m_open = false;
        begin = last + 1;
    }
    if (begin < end)
        hold(QByteArrayView(begin, end));
}

void LineSplitter::finish()
{
    if (!m_partial.isEmpty() || m_open) {
        m_partial.append('\n');
        m_sink(m_partial, true);
        m_open = false;
    }
    m_partial.clear();
    m_partial.squeeze();
}

} // namespace launchdeck
