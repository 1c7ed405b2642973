// kubectl's -l grammar, as labels.Parse reads it: a lexer of identifiers and the operator
// symbols, then requirements separated by commas. Errors say what was found and what was
// expected there, in labels.Parse's words, with the column of the offending token.
#include "kubernetes/labelselector.h"

#include <QRegularExpression>

namespace launchdeck::kube {

namespace {

enum class Token {
    End,
    Identifier,
    Not,       // !
    NotEquals, // !=
    Equals,    // =
    DoubleEquals,
    Greater,
    Less,
    Open,
    Close,
    Comma,
};

struct Lexeme
{
    Token token = Token::End;
    QString text;
    qsizetype column = 0; // 1-based
};

bool isSpecial(QChar c)
{
    return c == u'=' || c == u'!' || c == u'(' || c == u')' || c == u',' || c == u'>' || c == u'<';
}

QList<Lexeme> lex(const QString& text)
{
    QList<Lexeme> lexemes;
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c.isSpace()) {
            ++i;
            continue;
        }
        const qsizetype column = i + 1;
        const auto next = [&](QChar expected) {
            return i + 1 < text.size() && text.at(i + 1) == expected;
        };
        if (c == u'!' && next(u'=')) {
            lexemes.append({Token::NotEquals, u"!="_qs, column});
            i += 2;
        } else if (c == u'=' && next(u'=')) {
            lexemes.append({Token::DoubleEquals, u"=="_qs, column});
            i += 2;
        } else if (isSpecial(c)) {
            static const QHash<QChar, Token> single{
                {u'!', Token::Not},   {u'=', Token::Equals}, {u'>', Token::Greater},
                {u'<', Token::Less},  {u'(', Token::Open},   {u')', Token::Close},
                {u',', Token::Comma},
            };
            lexemes.append({single.value(c), QString(c), column});
            ++i;
        } else {
            qsizetype end = i;
            while (end < text.size() && !text.at(end).isSpace() && !isSpecial(text.at(end)))
                ++end;
            lexemes.append({Token::Identifier, text.mid(i, end - i), column});
            i = end;
        }
    }
    lexemes.append({Token::End, QString(), text.size() + 1});
    return lexemes;
}

// Label keys are qualified names: an optional DNS subdomain prefix and '/', then a name of at
// most 63 characters.
QString keyProblem(const QString& key)
{
    static const QRegularExpression name(u"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"_qs);
    static const QRegularExpression subdomain(
        u"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"_qs);
    const qsizetype slash = key.indexOf(u'/');
    const QString local = slash < 0 ? key : key.mid(slash + 1);
    if (slash >= 0) {
        const QString prefix = key.left(slash);
        if (prefix.isEmpty() || prefix.size() > 253 || !subdomain.match(prefix).hasMatch())
            return u"the prefix of key \"%1\" must be a DNS subdomain (lower case alphanumerics, "
                   u"'-' and '.')"_qs.arg(key);
    }
    if (local.isEmpty() || local.size() > 63 || !name.match(local).hasMatch())
        return u"invalid label key \"%1\": a name must be 63 characters or less and begin and "
               u"end with an alphanumeric character, with '-', '_', '.' and alphanumerics "
               u"between"_qs.arg(key);
    return {};
}

QString valueProblem(const QString& value)
{
    static const QRegularExpression pattern(u"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"_qs);
    if (value.size() > 63 || !pattern.match(value).hasMatch())
        return u"invalid label value \"%1\": must be 63 characters or less, empty or begin and "
               u"end with an alphanumeric character, with '-', '_', '.' and alphanumerics "
               u"between"_qs.arg(value);
    return {};
}

class Parser
{
public:
    explicit Parser(const QString& text)
        : m_lexemes(lex(text))
    {}

    // Fills `requirements`; on failure sets the message and the column it concerns.
    template <typename Requirement> bool parse(QList<Requirement>* requirements)
    {
        for (;;) {
            const Lexeme& ahead = peek();
            if (ahead.token == Token::End)
                return true;
            if (ahead.token != Token::Identifier && ahead.token != Token::Not)
                return fail(ahead, u"found '%1', expected: !, identifier, or 'end of string'"_qs);
            Requirement requirement;
            if (!parseRequirement(&requirement))
                return false;
            requirements->append(requirement);
            const Lexeme& after = take();
            if (after.token == Token::End)
                return true;
            if (after.token != Token::Comma)
                return fail(after, u"found '%1', expected: ',' or 'end of string'"_qs);
            const Lexeme& following = peek();
            if (following.token != Token::Identifier && following.token != Token::Not)
                return fail(following, u"found '%1', expected: identifier after ','"_qs);
        }
    }

    QString message;
    qsizetype column = 0;

private:
    const Lexeme& peek() const { return m_lexemes.at(m_at); }
    const Lexeme& take()
    {
        const Lexeme& lexeme = m_lexemes.at(m_at);
        if (m_at + 1 < m_lexemes.size())
            ++m_at;
        return lexeme;
    }
    bool fail(const Lexeme& at, const QString& pattern)
    {
        message = pattern.contains(u"%1"_qs) ? pattern.arg(at.text) : pattern;
        column = at.column;
        return false;
    }

    template <typename Requirement> bool parseRequirement(Requirement* requirement)
    {
        using Op = typename Requirement::Op;
        const Lexeme* key = &take();
        const bool negated = key->token == Token::Not;
        if (negated)
            key = &take();
        if (key->token != Token::Identifier)
            return fail(*key, u"found '%1', expected: identifier"_qs);
        if (const QString problem = keyProblem(key->text); !problem.isEmpty()) {
            message = problem;
            column = key->column;
            return false;
        }
        requirement->key = key->text;
        const Token ahead = peek().token;
        if (negated || ahead == Token::End || ahead == Token::Comma) {
            requirement->op = negated ? Op::DoesNotExist : Op::Exists;
            return true;
        }
        const Lexeme& op = take();
        if (op.token == Token::Identifier && (op.text == u"in" || op.text == u"notin")) {
            requirement->op = op.text == u"in" ? Op::In : Op::NotIn;
            return parseValues(requirement);
        }
        if (op.token == Token::Equals || op.token == Token::DoubleEquals)
            requirement->op = Op::Equals;
        else if (op.token == Token::NotEquals)
            requirement->op = Op::NotEquals;
        else if (op.token == Token::Greater || op.token == Token::Less)
            return fail(op, u"the '%1' operator is for node affinity and not supported in a "
                            u"label selector here"_qs);
        else
            return fail(op, u"found '%1', expected: in, notin, =, ==, !="_qs);
        // An empty value ("a=") selects an empty label.
        const Lexeme& value = peek();
        if (value.token == Token::End || value.token == Token::Comma) {
            requirement->values = {QString()};
            return true;
        }
        take();
        if (value.token != Token::Identifier)
            return fail(value, u"found '%1', expected: identifier"_qs);
        return addValue(requirement, value);
    }

    template <typename Requirement> bool addValue(Requirement* requirement, const Lexeme& value)
    {
        if (const QString problem = valueProblem(value.text); !problem.isEmpty()) {
            message = problem;
            column = value.column;
            return false;
        }
        if (!requirement->values.contains(value.text))
            requirement->values.append(value.text);
        return true;
    }

    // "(a, b)", where empty entries ("(,a)", "()") stand for the empty value.
    template <typename Requirement> bool parseValues(Requirement* requirement)
    {
        const Lexeme& open = take();
        if (open.token != Token::Open)
            return fail(open, u"found '%1', expected: '('"_qs);
        bool expectValue = true;
        for (;;) {
            const Lexeme& lexeme = take();
            if (lexeme.token == Token::Identifier && expectValue) {
                if (!addValue(requirement, lexeme))
                    return false;
                expectValue = false;
            } else if (lexeme.token == Token::Comma) {
                if (expectValue && !requirement->values.contains(QString()))
                    requirement->values.append(QString());
                expectValue = true;
            } else if (lexeme.token == Token::Close) {
                if (expectValue && !requirement->values.contains(QString()))
                    requirement->values.append(QString());
                break;
            } else {
                return fail(lexeme, expectValue ? u"found '%1', expected: ',', ')' or identifier"_qs
                                                : u"found '%1', expected: ',' or ')'"_qs);
            }
        }
        return true;
    }

    QList<Lexeme> m_lexemes;
    qsizetype m_at = 0;
};

} // namespace

Result<LabelSelector> LabelSelector::parse(const QString& text)
{
    LabelSelector selector;
    Parser parser(text);
    if (!parser.parse(&selector.m_requirements))
        return Error{u"unable to parse requirement: "_qs + parser.message,
                     u"label selector \"%1\", column %2"_qs.arg(text).arg(parser.column)};
    return selector;
}

bool LabelSelector::matches(const QJsonObject& labels) const
{
    for (const Requirement& requirement : m_requirements) {
        const auto found = labels.constFind(requirement.key);
        const bool present = found != labels.constEnd();
        const QString value = present ? found->toString() : QString();
        switch (requirement.op) {
        case Requirement::Op::Equals:
        case Requirement::Op::In:
            if (!present || !requirement.values.contains(value))
                return false;
            break;
        case Requirement::Op::NotEquals:
        case Requirement::Op::NotIn:
            if (present && requirement.values.contains(value))
                return false;
            break;
        case Requirement::Op::Exists:
            if (!present)
                return false;
            break;
        case Requirement::Op::DoesNotExist:
            if (present)
                return false;
            break;
        }
    }
    return true;
}

} // namespace launchdeck::kube
