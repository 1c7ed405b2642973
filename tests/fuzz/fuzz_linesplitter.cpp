// libFuzzer entry for the line splitter of pipeline step output. Input: a byte for the read sizes,
// a byte for the longest line (16 + its value), a byte N, N bytes of secret values (one a line, as
// ::add-mask:: gives them), then the output stream. Whatever the reads, every byte comes out once,
// in order, plus the \n that ends an unfinished last line; blocks end at a line end; a cut piece
// is at most the longest line and holds no newline; what is held stays bounded; and a cut never
// splits a secret that stands alone and fits in a line, so each piece can be masked by itself.
#include "fuzzsupport.h"
#include "pipeline/linesplitter.h"
#include "pipeline/secretmasker.h"

#include <optional>

using launchdeck::LineSplitter;
using launchdeck::SecretMasker;
using launchdeck::fuzz::fail;

namespace {

constexpr const char* kName = "fuzz_linesplitter";
constexpr qsizetype kMaxOccurrences = 256;

struct Split
{
    QByteArray bytes;      // every block and piece, in order
    QList<qsizetype> cuts; // offsets in `bytes` where a cut piece ends
};

Split split(QByteArrayView stream, qsizetype maxLine, const SecretMasker* masker,
            std::optional<std::uint32_t> chunkSeed)
{
    Split out;
    LineSplitter splitter(
        [&](QByteArrayView bytes, bool endsLine) {
            if (bytes.isEmpty())
                fail(kName, QStringLiteral("an empty block was passed on"));
            if (endsLine && !bytes.endsWith('\n'))
                fail(kName, QStringLiteral("a block of whole lines does not end with \\n"));
            if (!endsLine && (bytes.size() > maxLine || bytes.contains('\n')))
                fail(kName, QStringLiteral("a cut piece of %1 bytes (longest line %2) or with a "
                                           "newline")
                                .arg(bytes.size())
                                .arg(maxLine));
            out.bytes.append(bytes);
            if (!endsLine)
                out.cuts.append(out.bytes.size());
        },
        maxLine, masker);
    const qsizetype holdback = std::max<qsizetype>(1, masker ? masker->longest() : 0);
    const auto feed = [&](QByteArrayView chunk) {
        splitter.feed(chunk);
        if (splitter.buffered() >= maxLine + holdback)
            fail(kName, QStringLiteral("%1 bytes held, longest line %2, hold-back %3")
                            .arg(splitter.buffered())
                            .arg(maxLine)
                            .arg(holdback));
    };
    if (chunkSeed)
        launchdeck::fuzz::forEachChunk(stream, *chunkSeed, feed);
    else
        feed(stream);
    splitter.finish();
    if (splitter.buffered() != 0)
        fail(kName, QStringLiteral("bytes held after finish()"));
    return out;
}

// The values SecretMasker::add keeps from `text`.
QList<QByteArray> secretValues(const QString& text)
{
    QList<QByteArray> values;
    for (QString line : text.split(u'\n')) {
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (!line.trimmed().isEmpty() && !values.contains(line.toUtf8()))
            values.append(line.toUtf8());
    }
    return values;
}

// Occurrences [start, end) of the values in `stream` that overlap no other occurrence and fit in
// a line: a cut can always avoid those.
QList<std::pair<qsizetype, qsizetype>>
loneSecrets(QByteArrayView stream, const QList<QByteArray>& values, qsizetype maxLine)
{
    QList<std::pair<qsizetype, qsizetype>> all;
    for (const QByteArray& value : values) {
        for (qsizetype at = stream.indexOf(value); at >= 0 && all.size() <= kMaxOccurrences;
             at = stream.indexOf(value, at + 1))
            all.append({at, at + value.size()});
    }
    QList<std::pair<qsizetype, qsizetype>> lone;
    if (all.size() > kMaxOccurrences)
        return lone;
    for (qsizetype i = 0; i < all.size(); ++i) {
        bool alone = all.at(i).second - all.at(i).first <= maxLine;
        for (qsizetype j = 0; j < all.size() && alone; ++j)
            alone = i == j || all.at(j).second <= all.at(i).first ||
                    all.at(j).first >= all.at(i).second;
        if (alone)
            lone.append(all.at(i));
    }
    return lone;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 3)
        return 0;
    const std::uint32_t chunkSeed = data[0];
    const qsizetype maxLine = 16 + data[1];
    const qsizetype secretSize = std::min<qsizetype>(data[2] % 32, qsizetype(size) - 3);
    const QByteArrayView input = launchdeck::fuzz::bytesOf(data + 3, size - 3);
    const QString secrets = QString::fromUtf8(input.first(secretSize));
    const QByteArrayView stream = input.sliced(secretSize);

    SecretMasker masker;
    masker.add(secrets);
    const SecretMasker* maskerOrNone = masker.isEmpty() ? nullptr : &masker;

    const QByteArray expected = stream.isEmpty() || stream.endsWith('\n')
                                    ? stream.toByteArray()
                                    : stream.toByteArray() + '\n';
    const Split whole = split(stream, maxLine, maskerOrNone, std::nullopt);
    const Split pieces = split(stream, maxLine, maskerOrNone, chunkSeed);
    if (whole.bytes != expected || pieces.bytes != expected)
        fail(kName, QStringLiteral("%1 bytes in, %2 out fed whole, %3 out fed in pieces")
                        .arg(stream.size())
                        .arg(whole.bytes.size())
                        .arg(pieces.bytes.size()));

    const auto lone = loneSecrets(stream, secretValues(secrets), maxLine);
    for (const Split* run : {&whole, &pieces}) {
        for (const qsizetype cut : run->cuts) {
            for (const auto& [start, end] : lone) {
                if (start < cut && cut < end)
                    fail(kName, QStringLiteral("a cut at %1 splits the secret at [%2, %3)")
                                    .arg(cut)
                                    .arg(start)
                                    .arg(end));
            }
        }
    }
    return 0;
}
