// Splits a byte stream into runs of whole lines in bounded memory: what arrives is passed on in
// blocks ending at a line end, a trailing partial line is held, and an overlong one is cut.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <functional>

namespace launchdeck {

class SecretMasker;

class LineSplitter final
{
public:
    // endsLine true: `bytes` holds one or more whole lines, each ending in \n (a \r before it is
    // left in). endsLine false: a piece of an overlong line that goes on in what follows.
    using Sink = std::function<void(QByteArrayView bytes, bool endsLine)>;

    static constexpr qsizetype kDefaultMaxLine = 64 * 1024;

    // `masker` (optional) keeps cuts from splitting a secret so each piece can be masked alone.
    explicit LineSplitter(Sink sink, qsizetype maxLine = kDefaultMaxLine,
                          const SecretMasker* masker = nullptr);

    void feed(QByteArrayView data);
    // Passes on what is left as a last line, with a \n added; call at end of stream.
    void finish();

    qsizetype maxLine() const { return m_maxLine; }
    qsizetype buffered() const { return m_partial.size(); }

private:
    void hold(QByteArrayView tail);

    Sink m_sink;
    qsizetype m_maxLine;
    const SecretMasker* m_masker;
    QByteArray m_partial;
    bool m_open = false; // the last thing passed on was a cut piece
};

} // namespace launchdeck
