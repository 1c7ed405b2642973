// Splits a byte stream into lines in bounded memory: \n and \r\n endings, a trailing partial line,
// and overlong lines cut into pieces marked as continuations.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <functional>

namespace launchdeck {

class SecretMasker;

class LineSplitter final
{
public:
    // piece: without the line ending; continuation: it continues the previous piece;
    // endsLine: false when the line was cut and goes on in the next piece.
    using Sink = std::function<void(QByteArrayView piece, bool continuation, bool endsLine)>;

    static constexpr qsizetype kDefaultMaxLine = 64 * 1024;

    // `masker` (optional) keeps cuts from splitting a secret so each piece can be masked alone.
    explicit LineSplitter(Sink sink, qsizetype maxLine = kDefaultMaxLine,
                          const SecretMasker* masker = nullptr);

    void feed(QByteArrayView data);
    // Emits what is left as a last line; call at end of stream.
    void finish();

    qsizetype buffered() const { return m_partial.size(); }

private:
    void cutOverlong();
    void emitPiece(QByteArrayView piece, bool endsLine);

    Sink m_sink;
    qsizetype m_maxLine;
    const SecretMasker* m_masker;
    QByteArray m_partial;
    bool m_continuation = false;
};

} // namespace launchdeck
