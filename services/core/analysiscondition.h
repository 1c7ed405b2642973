// The conditions of analysis, rollback triggers and threshold rules: "result < 0.05 && result > 0"
// parsed once and evaluated against each reading.
#pragma once

#include "core/result.h"

#include <QList>
#include <QString>

#include <optional>
#include <variant>

namespace launchdeck {

// `result OP number` terms (OP one of < <= > >= == !=) joined by && and ||, && binding tighter;
// numbers may end in % (0.5% = 0.005). An empty text is a condition that is never met.
class AnalysisCondition final
{
public:
    // Why a text is not a condition and where: column counts from 1 within the text, so that a
    // file reader can point at the character inside its own line.
    struct SyntaxError
    {
        QString reason; // "unknown operator"
        int column = 0;
    };

    // Fails with "condition 'TEXT': REASON at column N".
    static Result<AnalysisCondition> parse(const QString& text);
    static std::variant<AnalysisCondition, SyntaxError> read(const QString& text);

    bool isEmpty() const { return m_text.trimmed().isEmpty(); }
    bool evaluate(double result) const;
    const QString& text() const { return m_text; }

private:
    struct Term
    {
        enum class Op { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };
        Op op = Op::Less;
        double value = 0;
    };
    QString m_text;
    QList<QList<Term>> m_anyOf; // OR of ANDs
};

// A value a condition weighs, as Prometheus writes it: "0.42", and NaN, +Inf and -Inf rather
// than the C library's nan and inf.
QString conditionValueText(double value);

} // namespace launchdeck
