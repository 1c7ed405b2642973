// The built-in YAML highlighter, used where KSyntaxHighlighting is not installed.
#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace launchdeck {

class YamlHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(YamlHighlighter)

public:
    enum class Kind {
        Key,
        String,
        Number,
        Keyword, // booleans and null
        Comment,
        Anchor, // &anchor, *alias, !tag
        Marker, // ---, ...
        Substitution,
    };

    explicit YamlHighlighter(QTextDocument* document);

    // The look of each kind, with a variant for dark palettes.
    static QTextCharFormat formatFor(Kind kind, bool darkBackground);

protected:
    void highlightBlock(const QString& text) override;

private:
    void apply(qsizetype start, qsizetype length, Kind kind);

    bool m_dark = false;
    QRegularExpression m_key;
    QRegularExpression m_scalar;
    QRegularExpression m_number;
    QRegularExpression m_keyword;
    QRegularExpression m_string;
    QRegularExpression m_anchor;
    QRegularExpression m_substitution;
};

} // namespace launchdeck
