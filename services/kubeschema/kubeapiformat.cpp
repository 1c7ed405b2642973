// The API server's name and value formats, written as direct character tests (they run for every
// name and label of every manifest) with the API server's messages, regex and examples included.
#include "kubeschema/kubeapiformat.h"

namespace launchdeck::kubeapi {

namespace {

constexpr qsizetype kSubdomainMax = 253;
constexpr qsizetype kLabelMax = 63;

constexpr bool isLowerAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

constexpr bool isAlnum(char c)
{
    return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool isDns1123Label(std::string_view text)
{
    if (text.empty() || !isLowerAlnum(text.front()) || !isLowerAlnum(text.back()))
        return false;
    for (const char c : text) {
        if (!isLowerAlnum(c) && c != '-')
            return false;
    }
    return true;
}

// dns1123Label(\.dns1123Label)*
bool isDns1123Subdomain(std::string_view text)
{
    size_t start = 0;
    while (true) {
        const size_t dot = text.find('.', start);
        if (!isDns1123Label(text.substr(start, dot == std::string_view::npos ? dot : dot - start)))
            return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool isLabelName(std::string_view text)
{
    if (text.empty() || !isAlnum(text.front()) || !isAlnum(text.back()))
        return false;
    for (const char c : text) {
        if (!isAlnum(c) && c != '-' && c != '_' && c != '.')
            return false;
    }
    return true;
}

QString maxCharacters(qsizetype length)
{
    return QStringLiteral("must be no more than %1 characters").arg(length);
}

QString maxBytes(qsizetype length)
{
    return QStringLiteral("must be no more than %1 bytes").arg(length);
}

const QString& subdomainFormat()
{
    static const QString text = QStringLiteral(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
        "used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    return text;
}

// The regex message for label names; the API server prefixes it as the context needs.
const QString& labelNameFormat()
{
    static const QString text = QStringLiteral(
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
        "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    return text;
}

QStringList subdomainErrors(std::string_view value, QString (*lengthMessage)(qsizetype))
{
    QStringList errors;
    if (static_cast<qsizetype>(value.size()) > kSubdomainMax)
        errors.append(lengthMessage(kSubdomainMax));
    if (!isDns1123Subdomain(value))
        errors.append(subdomainFormat());
    return errors;
}

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

QStringList dns1123SubdomainErrors(std::string_view value)
{
    return subdomainErrors(value, maxCharacters);
}

QStringList dns1123LabelErrors(std::string_view value)
{
    QStringList errors;
    if (static_cast<qsizetype>(value.size()) > kLabelMax)
        errors.append(maxCharacters(kLabelMax));
    if (isDns1123Label(value))
        return errors;
    if (isDns1123Subdomain(value)) {
        errors.append(QStringLiteral("must not contain dots"));
    } else {
        errors.append(QStringLiteral(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
            "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
            "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
    }
    return errors;
}

QStringList dns1035LabelErrors(std::string_view value)
{
    QStringList errors;
    if (static_cast<qsizetype>(value.size()) > kLabelMax)
        errors.append(maxCharacters(kLabelMax));
    if (!isDns1123Label(value) || !(value.front() >= 'a' && value.front() <= 'z')) {
        errors.append(QStringLiteral(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
            "with an alphabetic character, and end with an alphanumeric character (e.g. "
            "'my-name',  or 'abc-123', regex used for validation is "
            "'[a-z]([-a-z0-9]*[a-z0-9])?')"));
    }
    return errors;
}

QStringList pathSegmentNameErrors(std::string_view value)
{
    if (value == "." || value == "..")
        return {QStringLiteral("may not be '%1'").arg(fromUtf8(value))};
    QStringList errors;
    if (value.find('/') != std::string_view::npos)
        errors.append(QStringLiteral("may not contain '/'"));
    if (value.find('%') != std::string_view::npos)
        errors.append(QStringLiteral("may not contain '%'"));
    return errors;
}

QStringList labelKeyErrors(std::string_view value)
{
    QStringList errors;
    std::string_view name = value;
    const size_t slash = value.find('/');
    if (slash != std::string_view::npos) {
        if (value.find('/', slash + 1) != std::string_view::npos) {
            return {u"a valid label key " + labelNameFormat() +
                    u" with an optional DNS subdomain prefix and '/' (e.g. "
                    u"'example.com/MyName')"};
        }
        const std::string_view prefix = value.substr(0, slash);
        name = value.substr(slash + 1);
        if (prefix.empty()) {
            errors.append(QStringLiteral("prefix part must be non-empty"));
        } else {
            for (const QString& message : subdomainErrors(prefix, maxBytes))
                errors.append(u"prefix part " + message);
        }
    }
    if (name.empty())
        errors.append(QStringLiteral("name part must be non-empty"));
    else if (static_cast<qsizetype>(name.size()) > kLabelMax)
        errors.append(u"name part " + maxBytes(kLabelMax));
    if (!isLabelName(name))
        errors.append(u"name part " + labelNameFormat());
    return errors;
}

QStringList labelValueErrors(std::string_view value)
{
    QStringList errors;
    if (static_cast<qsizetype>(value.size()) > kLabelMax)
        errors.append(maxBytes(kLabelMax));
    if (!value.empty() && !isLabelName(value)) {
        errors.append(QStringLiteral(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', "
            "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
            "or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
    }
    return errors;
}

QStringList portNameErrors(std::string_view value)
{
    QStringList errors;
    if (value.size() > 15)
        errors.append(maxCharacters(15));
    bool charset = !value.empty();
    bool letter = false;
    for (const char c : value) {
        charset = charset && (isLowerAlnum(c) || c == '-');
        letter = letter || (c >= 'a' && c <= 'z');
    }
    if (!charset) {
        errors.append(QStringLiteral(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"));
    }
    if (!letter)
        errors.append(QStringLiteral("must contain at least one letter (a-z)"));
    if (value.find("--") != std::string_view::npos)
        errors.append(QStringLiteral("must not contain consecutive hyphens"));
    if (!value.empty() && (value.front() == '-' || value.back() == '-'))
        errors.append(QStringLiteral("must not begin or end with a hyphen"));
    return errors;
}

QStringList portNumberErrors(qint64 value)
{
    if (value >= 1 && value <= 65535)
        return {};
    return {QStringLiteral("must be between 1 and 65535, inclusive")};
}

// Clusters from 1.34 on accept any printable ASCII but '=' (the relaxed rule, on by default).
QStringList envVarNameErrors(std::string_view value)
{
    if (value.empty())
        return {QStringLiteral("environment variable name must be non-empty")};
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e || c == '=') {
            return {QStringLiteral("a valid environment variable name must consist only of "
                                   "printable ASCII characters other than '='")};
        }
    }
    return {};
}

QStringList percentErrors(std::string_view value)
{
    bool valid = value.size() >= 2 && value.back() == '%';
    for (size_t i = 0; valid && i + 1 < value.size(); ++i)
        valid = value[i] >= '0' && value[i] <= '9';
    if (valid)
        return {};
    return {QStringLiteral("a valid percent string must be a numeric string followed by an ending "
                           "'%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")};
}

QString goQuoted(std::string_view value)
{
    QString quoted = QStringLiteral("\"");
    for (const QChar c : fromUtf8(value)) {
        switch (c.unicode()) {
        case u'"':
            quoted += QStringLiteral("\\\"");
            break;
        case u'\\':
            quoted += QStringLiteral("\\\\");
            break;
        case u'\n':
            quoted += QStringLiteral("\\n");
            break;
        case u'\t':
            quoted += QStringLiteral("\\t");
            break;
        case u'\r':
            quoted += QStringLiteral("\\r");
            break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                quoted += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
            else
                quoted += c;
        }
    }
    return quoted + u'"';
}

QString invalidValue(const QString& path, const QString& value, const QString& detail)
{
    return QStringLiteral("%1: Invalid value: %2: %3").arg(path, value, detail);
}

QString requiredValue(const QString& path, const QString& detail)
{
    return detail.isEmpty() ? path + QStringLiteral(": Required value")
                            : QStringLiteral("%1: Required value: %2").arg(path, detail);
}

QString unsupportedValue(const QString& path, std::string_view value, const QStringList& supported)
{
    QStringList quoted;
    for (const QString& item : supported)
        quoted.append(u'"' + item + u'"');
    return QStringLiteral("%1: Unsupported value: %2: supported values: %3")
        .arg(path, goQuoted(value), quoted.join(QStringLiteral(", ")));
}

QString duplicateValue(const QString& path, std::string_view value)
{
    return QStringLiteral("%1: Duplicate value: %2").arg(path, goQuoted(value));
}

QString notFound(const QString& path, std::string_view value)
{
    return QStringLiteral("%1: Not found: %2").arg(path, goQuoted(value));
}

QString forbidden(const QString& path, const QString& detail)
{
    return QStringLiteral("%1: Forbidden: %2").arg(path, detail);
}

QString tooLong(const QString& path, qint64 maxLength)
{
    return QStringLiteral("%1: Too long: may not be more than %2 bytes").arg(path).arg(maxLength);
}

} // namespace launchdeck::kubeapi
