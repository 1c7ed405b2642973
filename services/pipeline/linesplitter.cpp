// Line splitting of process output.
#include "linesplitter.h"

#include "secretmasker.h"

#include <cstring>

namespace launchdeck {

LineSplitter::LineSplitter(Sink sink, qsizetype maxLine, const SecretMasker* masker)
    : m_sink(std::move(sink))
    , m_maxLine(maxLine < 16 ? 16 : maxLine)
    , m_masker(masker)
{}

void LineSplitter::emitPiece(QByteArrayView piece, bool endsLine)
{
    if (endsLine && piece.endsWith('\r'))
        piece.chop(1);
    m_sink(piece, m_continuation, endsLine);
    m_continuation = !endsLine;
}

void LineSplitter::cutOverlong()
{
    // Hold back enough bytes that a secret (or a \r before \n) cannot straddle the cut unseen.
    const qsizetype holdback = std::max<qsizetype>(1, m_masker ? m_masker->longest() : 0);
    while (m_partial.size() >= m_maxLine + holdback) {
        const qsizetype cut = m_masker ? m_masker->safeCut(m_partial, m_maxLine) : m_maxLine;
        emitPiece(QByteArrayView(m_partial.constData(), cut), false);
        m_partial.remove(0, cut);
    }
}

void LineSplitter::feed(QByteArrayView data)
{
    const char* begin = data.data();
    const char* end = begin + data.size();
    while (begin < end) {
        const auto* newline =
            static_cast<const char*>(std::memchr(begin, '\n', static_cast<size_t>(end - begin)));
        if (!newline) {
            m_partial.append(begin, end - begin);
            cutOverlong();
            return;
        }
        if (m_partial.isEmpty() && newline - begin < m_maxLine) {
            emitPiece(QByteArrayView(begin, newline - begin), true);
        } else {
            m_partial.append(begin, newline - begin);
            cutOverlong();
            emitPiece(m_partial, true);
            m_partial.clear();
            if (m_partial.capacity() > 4 * m_maxLine)
                m_partial.squeeze();
        }
        begin = newline + 1;
    }
}

void LineSplitter::finish()
{
    if (!m_partial.isEmpty() || m_continuation) {
        emitPiece(m_partial, true);
        m_partial.clear();
    }
    m_partial.squeeze();
}

} // namespace launchdeck
