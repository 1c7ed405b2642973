// YAML 1.2 core schema resolution of plain scalars, written as direct character tests because it
// runs for every scalar of every manifest validated.
#include "kubeschema/kubescalar.h"

namespace launchdeck::kubeschema {

namespace {

constexpr bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

constexpr bool isHexDigit(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool allOf(std::string_view text, bool (*predicate)(char))
{
    if (text.empty())
        return false;
    for (const char c : text) {
        if (!predicate(c))
            return false;
    }
    return true;
}

constexpr bool isOctalDigit(char c)
{
    return c >= '0' && c <= '7';
}

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool isCoreFloat(std::string_view text)
{
    size_t i = 0;
    if (i < text.size() && (text[i] == '-' || text[i] == '+'))
        ++i;
    const size_t integerStart = i;
    while (i < text.size() && isDigit(text[i]))
        ++i;
    const bool hasInteger = i > integerStart;
    bool hasFraction = false;
    if (i < text.size() && text[i] == '.') {
        ++i;
        const size_t fractionStart = i;
        while (i < text.size() && isDigit(text[i]))
            ++i;
        hasFraction = i > fractionStart;
        if (!hasInteger && !hasFraction)
            return false;
    } else if (!hasInteger) {
        return false;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '-' || text[i] == '+'))
            ++i;
        const size_t exponentStart = i;
        while (i < text.size() && isDigit(text[i]))
            ++i;
        if (i == exponentStart)
            return false;
    }
    return i == text.size();
}

bool isSpecialFloat(std::string_view text)
{
    if (!text.empty() && (text.front() == '-' || text.front() == '+'))
        text.remove_prefix(1);
    return text == ".inf" || text == ".Inf" || text == ".INF" || text == ".nan" || text == ".NaN" ||
           text == ".NAN";
}

} // namespace

ScalarType resolvePlainScalar(std::string_view text)
{
    if (text.empty())
        return ScalarType::Null;
    const char first = text.front();
    // Most scalars are names and words: one test sends them straight to String.
    if (!isDigit(first) && first != '-' && first != '+' && first != '.' && first != '~' &&
        first != 'n' && first != 'N' && first != 't' && first != 'T' && first != 'f' &&
        first != 'F')
        return ScalarType::String;
    if (text == "~" || text == "null" || text == "Null" || text == "NULL")
        return ScalarType::Null;
    if (text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
        text == "FALSE")
        return ScalarType::Boolean;
    std::string_view digits = text;
    if (first == '-' || first == '+')
        digits.remove_prefix(1);
    if (allOf(digits, isDigit))
        return ScalarType::Integer;
    if (text.size() > 2 && text[0] == '0' && text[1] == 'o' && allOf(text.substr(2), isOctalDigit))
        return ScalarType::Integer;
    if (text.size() > 2 && text[0] == '0' && text[1] == 'x' && allOf(text.substr(2), isHexDigit))
        return ScalarType::Integer;
    if (isCoreFloat(text) || isSpecialFloat(text))
        return ScalarType::Float;
    return ScalarType::String;
}

ScalarType scalarTypeOf(const YAML::Node& node)
{
    if (!node.IsScalar())
        return ScalarType::Null;
    const std::string& tag = node.Tag();
    if (tag.size() == 1) {
        // "!" marks a quoted scalar, "?" a plain one.
        return tag[0] == '!' ? ScalarType::String : resolvePlainScalar(node.Scalar());
    }
    constexpr std::string_view corePrefix = "tag:yaml.org,2002:";
    const std::string_view tagView(tag);
    if (tagView.starts_with(corePrefix)) {
        const std::string_view name = tagView.substr(corePrefix.size());
        if (name == "str" || name == "binary" || name == "timestamp")
            return ScalarType::String;
        if (name == "int")
            return ScalarType::Integer;
        if (name == "float")
            return ScalarType::Float;
        if (name == "bool")
            return ScalarType::Boolean;
        if (name == "null")
            return ScalarType::Null;
    }
    return resolvePlainScalar(node.Scalar());
}

} // namespace launchdeck::kubeschema
