// The analysis condition parser and evaluator: a hand-written scanner over `result OP number`
// terms, so that a bad condition names the column where it stops making sense.
#include "core/analysiscondition.h"

#include <algorithm>
#include <cmath>

namespace launchdeck {

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

bool isOperatorChar(QChar c)
{
    return c == u'<' || c == u'>' || c == u'=' || c == u'!';
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

} // namespace

Result<AnalysisCondition> AnalysisCondition::parse(const QString& text)
{
    auto read = AnalysisCondition::read(text);
    if (auto* error = std::get_if<SyntaxError>(&read))
        return Error{QStringLiteral("condition '%1': %2 at column %3")
                         .arg(text, error->reason, QString::number(error->column)),
                     {}};
    return std::get<AnalysisCondition>(std::move(read));
}

std::variant<AnalysisCondition, AnalysisCondition::SyntaxError>
AnalysisCondition::read(const QString& text)
{
    AnalysisCondition condition;
    condition.m_text = text;
    if (condition.isEmpty())
        return condition;

    const QStringView input(text);
    const qsizetype size = input.size();
    qsizetype pos = 0;
    const auto fail = [](qsizetype at, QStringView reason) {
        return SyntaxError{reason.toString(), int(at + 1)};
    };
    const auto skipSpace = [&] {
        while (pos < size && input[pos].isSpace())
            ++pos;
    };
    const auto isParenthesis = [&] {
        return pos < size && (input[pos] == u'(' || input[pos] == u')');
    };

    QList<Term> allOf;
    for (;;) {
        skipSpace();
        if (isParenthesis())
            return fail(pos, u"parentheses are not supported");
        const qsizetype wordStart = pos;
        while (pos < size && isWordChar(input[pos]))
            ++pos;
        if (input.sliced(wordStart, pos - wordStart) != u"result")
            return fail(wordStart, u"expected 'result'");

        skipSpace();
        const qsizetype opStart = pos;
        while (pos < size && isOperatorChar(input[pos]))
            ++pos;
        const QStringView op = input.sliced(opStart, pos - opStart);
        Term term;
        if (op.isEmpty())
            return fail(opStart, u"expected a comparison operator");
        else if (op == u"<")
            term.op = Term::Op::Less;
        else if (op == u"<=")
            term.op = Term::Op::LessEqual;
        else if (op == u">")
            term.op = Term::Op::Greater;
        else if (op == u">=")
            term.op = Term::Op::GreaterEqual;
        else if (op == u"==")
            term.op = Term::Op::Equal;
        else if (op == u"!=")
            term.op = Term::Op::NotEqual;
        else
            return fail(opStart, u"unknown operator");

        skipSpace();
        const qsizetype numberStart = pos;
        if (pos < size && (input[pos] == u'-' || input[pos] == u'+'))
            ++pos;
        while (pos < size && (isDigit(input[pos]) || input[pos] == u'.'))
            ++pos;
        if (pos < size && (input[pos] == u'e' || input[pos] == u'E')) {
            ++pos;
            if (pos < size && (input[pos] == u'-' || input[pos] == u'+'))
                ++pos;
            while (pos < size && isDigit(input[pos]))
                ++pos;
        }
        bool ok = false;
        term.value = input.sliced(numberStart, pos - numberStart).toDouble(&ok);
        if (!ok || !std::isfinite(term.value))
            return fail(numberStart, u"expected a number");
        skipSpace();
        if (pos < size && input[pos] == u'%') {
            term.value /= 100.0;
            ++pos;
        }
        allOf.append(term);

        skipSpace();
        if (pos == size)
            break;
        if (isParenthesis())
            return fail(pos, u"parentheses are not supported");
        const QStringView joiner = input.sliced(pos, std::min<qsizetype>(2, size - pos));
        if (joiner == u"||") {
            condition.m_anyOf.append(allOf);
            allOf.clear();
        } else if (joiner != u"&&") {
            return fail(pos, u"expected && or ||");
        }
        pos += 2;
    }
    condition.m_anyOf.append(allOf);
    return condition;
}

bool AnalysisCondition::evaluate(double result) const
{
    const auto holds = [result](const Term& term) {
        switch (term.op) {
        case Term::Op::Less:
            return result < term.value;
        case Term::Op::LessEqual:
            return result <= term.value;
        case Term::Op::Greater:
            return result > term.value;
        case Term::Op::GreaterEqual:
            return result >= term.value;
        case Term::Op::Equal:
            return result == term.value;
        case Term::Op::NotEqual:
            return result != term.value;
        }
        return false;
    };
    return std::any_of(m_anyOf.cbegin(), m_anyOf.cend(), [&holds](const QList<Term>& allOf) {
        return std::all_of(allOf.cbegin(), allOf.cend(), holds);
    });
}

QString conditionValueText(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    return QString::number(value, 'g', 6);
}

} // namespace launchdeck
