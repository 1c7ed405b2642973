// Per-step log handling: masking, ::add-mask::, file output and the line index.
#include "pipeline/steplog.h"

#include "pipeline/secretmasker.h"

#include <QDateTime>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace launchdeck {

namespace {
constexpr QByteArrayView kAddMask = "::add-mask::";
constexpr QByteArrayView kAddMaskShown = "::add-mask::***\n";
constexpr qsizetype kFileBufferBytes = 256 * 1024;
constexpr qsizetype kFirstEntries = 1024;
// A chunk takes no further block once it indexes this many lines, so the room its entries are
// gathered in stays small enough for the core's cache however short the lines are.
constexpr qsizetype kChunkEntries = 32 * 1024;
// The splitter is fed at most this much at once, which bounds what one block adds to a chunk.
constexpr qsizetype kSliceBytes = 256 * 1024;

const char* find(QByteArrayView haystack, QByteArrayView needle)
{
    // Most output holds no ':' at all (numbers, progress): memchr says so faster than memmem.
    if (!std::memchr(haystack.data(), needle.front(), static_cast<size_t>(haystack.size())))
        return nullptr;
    return static_cast<const char*>(::memmem(haystack.data(), static_cast<size_t>(haystack.size()),
                                             needle.data(), static_cast<size_t>(needle.size())));
}

// The largest cut <= wanted that does not split a UTF-8 sequence (the text of a piece must decode
// on its own).
qsizetype utf8Cut(const char* bytes, qsizetype wanted)
{
    qsizetype cut = wanted;
    while (cut > wanted - 4 && cut > 0 && (static_cast<unsigned char>(bytes[cut]) & 0xC0) == 0x80)
        --cut;
    return cut > 0 && cut > wanted - 4 ? cut : wanted;
}

// Calls found(offset) for every '\n' in bytes [from, to), in order. Short lines are the common
// case of chatty output, where a memchr call per line costs more than the scan itself.
template <typename Found>
void forEachNewline(const char* bytes, qsizetype from, qsizetype to, Found&& found)
{
    qsizetype at = from;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    for (; at + 16 <= to; at += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + at));
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, newline)));
        while (mask != 0) {
            found(at + __builtin_ctz(mask));
            mask &= mask - 1;
        }
    }
#endif
    while (at < to) {
        const auto* hit =
            static_cast<const char*>(std::memchr(bytes + at, '\n', static_cast<size_t>(to - at)));
        if (!hit)
            return;
        found(hit - bytes);
        at = hit - bytes + 1;
    }
}
} // namespace

StepLog::StepLog(QString runId, QString step, QString filePath, SecretMasker* masker,
                 qsizetype maxLine)
    : m_masker(masker)
    , m_file(filePath)
    , m_splitter([this](QByteArrayView bytes, bool endsLine) { addBlock(bytes, endsLine); },
                 maxLine, masker)
{
    m_chunk.runId = std::move(runId);
    m_chunk.step = std::move(step);
}

StepLog::~StepLog()
{
    flush();
}

bool StepLog::open(QString* error)
{
    if (m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        return true;
    if (error)
        *error = QStringLiteral("cannot write %1: %2").arg(m_file.fileName(), m_file.errorString());
    return false;
}

void StepLog::feed(QByteArrayView data)
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    while (!data.isEmpty()) {
        const QByteArrayView slice = data.first(std::min(data.size(), kSliceBytes));
        m_splitter.feed(slice);
        data = data.sliced(slice.size());
        if (m_chunk.bytes.size() - m_written >= kFileBufferBytes)
            flush();
    }
}

void StepLog::endStream()
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    m_splitter.finish();
    flush();
}

void StepLog::note(const QString& text)
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    // A note is a line of its own, even between the pieces of a cut line.
    const bool continuation = m_continuation;
    m_continuation = false;
    m_noting = true;
    addBlock(QByteArray(text.toUtf8() + '\n'), true);
    m_noting = false;
    m_continuation = continuation;
}

void StepLog::addBlock(QByteArrayView bytes, bool endsLine)
{
    if ((m_chunk.bytes.size() + bytes.size() > kChunkBytes || m_entryCount >= kChunkEntries) &&
        m_entryCount > 0)
        seal();
    // A stream goes on much as it went: room for as much as the last chunk held spares the
    // copies of growing.
    if (m_chunk.bytes.isEmpty() && m_bytesHint > bytes.size())
        m_chunk.bytes.reserve(m_bytesHint);
    const qsizetype from = m_chunk.bytes.size();
    if (!endsLine) {
        appendMasked(bytes);
        index(from, false);
        return;
    }
    // ::add-mask:: must change the masker before the lines after it are masked, and its value
    // must never be shown, not even in the command that hides it.
    const char* at = bytes.data();
    const char* end = at + bytes.size();
    bool lineStart = !m_continuation;
    while (at < end) {
        const char* hit = find(QByteArrayView(at, end), kAddMask);
        while (hit && !(hit == at ? lineStart : hit[-1] == '\n'))
            hit = find(QByteArrayView(hit + 1, end), kAddMask);
        if (!hit) {
            appendMasked(QByteArrayView(at, end));
            break;
        }
        appendMasked(QByteArrayView(at, hit));
        const auto* newline =
            static_cast<const char*>(std::memchr(hit, '\n', static_cast<size_t>(end - hit)));
        QByteArrayView value(hit + kAddMask.size(), newline);
        if (value.endsWith('\r'))
            value.chop(1);
        if (m_masker)
            m_masker->add(QString::fromUtf8(value));
        m_chunk.bytes.append(kAddMaskShown);
        at = newline + 1;
        lineStart = true;
    }
    index(from, true);
}

void StepLog::appendMasked(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return;
    if (!m_masker || m_masker->isEmpty() || !m_masker->occursIn(bytes)) {
        m_chunk.bytes.append(bytes);
        return;
    }
    m_scratch = bytes.toByteArray();
    m_masker->mask(m_scratch);
    m_chunk.bytes.append(m_scratch);
}

void StepLog::index(qsizetype from, bool endsLine)
{
    const char* base = m_chunk.bytes.constData();
    const qsizetype to = m_chunk.bytes.size();
    if (!endsLine) {
        addEntry(from, to - from, false);
        return;
    }
    // Most lines are numbered output no longer than maxLine, going into room the chunk already
    // has: those are written here directly; the first of a chunk, continuations, notes, overlong
    // lines and growth take addEntry.
    const qsizetype maxLine = m_splitter.maxLine();
    auto timeDelta = static_cast<quint32>(m_now - m_chunk.baseTimeMs);
    // Kept in locals while the loop runs, so the compiler need not reload them after each store.
    LogEntry* entries = m_entries.data();
    auto room = qsizetype(m_entries.size());
    qsizetype count = m_entryCount;
    qint64 number = m_number;
    qint64 baseNumber = m_chunk.baseNumber;
    bool plain = !m_continuation && !m_noting && count > 0;
    qsizetype start = from;
    // Inlined into the scan: a call per line would cost as much as the line's entry.
    forEachNewline(
        base, from, to, [&](qsizetype end) __attribute__((always_inline)) {
            const qsizetype length =
                end > start && base[end - 1] == '\r' ? end - start - 1 : end - start;
            if (plain && count < room && length <= maxLine) {
                LogEntry& entry = entries[count++];
                entry.offset = static_cast<quint32>(start);
                entry.lengthAndFlag = static_cast<quint32>(length);
                entry.numberDelta = static_cast<quint32>(++number - baseNumber);
                entry.timeDelta = timeDelta;
            } else {
                m_entryCount = count;
                m_number = number;
                addEntry(start, length, true);
                entries = m_entries.data();
                room = qsizetype(m_entries.size());
                count = m_entryCount;
                number = m_number;
                baseNumber = m_chunk.baseNumber;
                timeDelta = static_cast<quint32>(m_now - m_chunk.baseTimeMs);
                plain = !m_continuation && !m_noting;
            }
            start = end + 1;
        });
    m_entryCount = count;
    m_number = number;
}

void StepLog::addEntry(qsizetype offset, qsizetype length, bool endsLine)
{
    const qsizetype maxLine = m_splitter.maxLine();
    // A line longer than maxLine inside a block is cut here; its bytes stay where they are.
    while (length > maxLine) {
        const qsizetype cut = utf8Cut(m_chunk.bytes.constData() + offset, maxLine);
        addEntry(offset, cut, false);
        offset += cut;
        length -= cut;
    }
    // Continuations and notes take no number of their own.
    const bool numbered = !m_continuation && !m_noting;
    if (m_entryCount == 0) {
        m_chunk.baseNumber = numbered ? m_number + 1 : m_number;
        m_chunk.baseTimeMs = m_now;
    }
    if (m_entryCount == qsizetype(m_entries.size()))
        m_entries.resize(
            std::max<size_t>(kFirstEntries, 2 * m_entries.size())); // rare: room is reused
    LogEntry& entry = m_entries[size_t(m_entryCount++)];
    entry.offset = static_cast<quint32>(offset);
    entry.lengthAndFlag = static_cast<quint32>(length) |
                          (m_continuation ? LogEntry::kContinuation : 0u) |
                          (m_noting ? LogEntry::kNote : 0u);
    entry.numberDelta =
        static_cast<quint32>((numbered ? ++m_number : m_number) - m_chunk.baseNumber);
    entry.timeDelta = static_cast<quint32>(m_now - m_chunk.baseTimeMs);
    m_continuation = !endsLine;
}

void StepLog::flush()
{
    if (m_written == m_chunk.bytes.size())
        return;
    if (m_file.isOpen())
        m_file.write(m_chunk.bytes.constData() + m_written, m_chunk.bytes.size() - m_written);
    m_written = m_chunk.bytes.size();
}

void StepLog::seal()
{
    flush();
    if (m_entryCount > 0) {
        // Exactly as many as there are: no growth, no zero-filling, nothing to squeeze.
        m_chunk.entries = QList<LogEntry>(m_entries.data(), m_entries.data() + m_entryCount);
        // The backlog keeps chunks for long: give back what growth reserved beyond a quarter.
        if (m_chunk.bytes.capacity() > m_chunk.bytes.size() + m_chunk.bytes.size() / 4 + 4096)
            m_chunk.bytes.squeeze();
        m_bytesHint = std::min(kChunkBytes, m_chunk.bytes.size() + m_chunk.bytes.size() / 8);
        m_pendingLines += m_entryCount;
        m_pendingBytes += m_chunk.bytes.size();
        m_sealed.append(m_chunk);
    }
    m_chunk.bytes = QByteArray();
    m_chunk.entries = QList<LogEntry>();
    m_entryCount = 0;
    m_written = 0;
}

QList<LogChunk> StepLog::takePending()
{
    seal();
    QList<LogChunk> chunks;
    chunks.swap(m_sealed);
    m_pendingLines = 0;
    m_pendingBytes = 0;
    return chunks;
}

} // namespace launchdeck
