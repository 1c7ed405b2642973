// Typed reading of YAML mappings with strict key checking.
#include "core/yamlmapreader.h"

#include "core/yamlsource.h"

#include <algorithm>
#include <utility>

namespace launchdeck {

namespace {

int editDistance(const QString& a, const QString& b)
{
    std::vector<int> previous(static_cast<size_t>(b.size()) + 1);
    std::vector<int> current(previous.size());
    for (size_t j = 0; j < previous.size(); ++j)
        previous[j] = static_cast<int>(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = static_cast<int>(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int cost = a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1;
            current[static_cast<size_t>(j)] = std::min(
                {previous[static_cast<size_t>(j)] + 1, current[static_cast<size_t>(j - 1)] + 1,
                 previous[static_cast<size_t>(j - 1)] + cost});
        }
        std::swap(previous, current);
    }
    return previous.back();
}

bool isNullScalar(const YAML::Node& node)
{
    return node.IsNull();
}

} // namespace

QString closestMatch(const QString& word, const QStringList& candidates)
{
    QString best;
    int bestDistance = std::max<int>(2, static_cast<int>(word.size()) / 3) + 1;
    for (const QString& candidate : candidates) {
        const int distance = editDistance(word, candidate);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return best;
}

std::optional<QString> yamlString(const YAML::Node& node, const QString& path, const QString& what,
                                  Diagnostics& out)
{
    if (!node.IsScalar()) {
        out.append(diagnosticAt(
            path, node, Severity::High, QStringLiteral("wrong-type"),
            QStringLiteral("%1 must be a string, not a %2").arg(what, yamlKindName(node))));
        return std::nullopt;
    }
    return yamlText(node);
}

std::optional<qint64> yamlInteger(const YAML::Node& node, const QString& path, const QString& what,
                                  Diagnostics& out)
{
    if (node.IsScalar()) {
        bool ok = false;
        const qint64 value = yamlText(node).toLongLong(&ok);
        if (ok)
            return value;
    }
    out.append(diagnosticAt(path, node, Severity::High, QStringLiteral("wrong-type"),
                            QStringLiteral("%1 must be a whole number, not '%2'")
                                .arg(what, node.IsScalar() ? yamlText(node) : yamlKindName(node))));
    return std::nullopt;
}

std::optional<bool> yamlBoolean(const YAML::Node& node, const QString& path, const QString& what,
                                Diagnostics& out)
{
    if (node.IsScalar()) {
        const QString text = yamlText(node);
        if (text == u"true")
            return true;
        if (text == u"false")
            return false;
    }
    out.append(diagnosticAt(path, node, Severity::High, QStringLiteral("wrong-type"),
                            QStringLiteral("%1 must be true or false, not '%2'")
                                .arg(what, node.IsScalar() ? yamlText(node) : yamlKindName(node))));
    return std::nullopt;
}

YamlMapReader::YamlMapReader(const YAML::Node& node, const QString& path, const QString& what,
                             Diagnostics& out)
    : m_node(node)
    , m_path(path)
    , m_what(what)
    , m_out(out)
    , m_isMap(node.IsMap())
{
    if (!m_isMap) {
        m_out.append(diagnosticAt(
            m_path, node, Severity::High, QStringLiteral("wrong-type"),
            QStringLiteral("%1 must be a mapping, not a %2").arg(m_what, yamlKindName(node))));
    }
}

bool YamlMapReader::has(const char* key) const
{
    return m_isMap && m_node[key].IsDefined() && !isNullScalar(m_node[key]);
}

YAML::Node YamlMapReader::take(const char* key)
{
    m_taken.emplace_back(key);
    if (!m_isMap)
        return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node value = std::as_const(m_node)[key];
    if (!value.IsDefined() || isNullScalar(value))
        return YAML::Node(YAML::NodeType::Undefined);
    return value;
}

YAML::Node YamlMapReader::require(const char* key)
{
    YAML::Node value = take(key);
    if (m_isMap && !value.IsDefined()) {
        m_out.append(diagnosticAt(
            m_path, m_node, Severity::High, QStringLiteral("missing-field"),
            QStringLiteral("%1 is missing required key '%2'").arg(m_what, QLatin1String(key))));
    }
    return value;
}

void YamlMapReader::error(const YAML::Node& at, const QString& rule, const QString& message,
                          Severity severity)
{
    m_out.append(diagnosticAt(m_path, at.IsDefined() ? at : m_node, severity, rule, message));
}

namespace {
QString keyName(const QString& what, const char* key)
{
    return QStringLiteral("'%1' of %2").arg(QLatin1String(key), what);
}
} // namespace

std::optional<QString> YamlMapReader::string(const char* key, bool required)
{
    const YAML::Node value = required ? require(key) : take(key);
    if (!value.IsDefined())
        return std::nullopt;
    return yamlString(value, m_path, keyName(m_what, key), m_out);
}

std::optional<qint64> YamlMapReader::integer(const char* key, qint64 min, qint64 max, bool required)
{
    const YAML::Node value = required ? require(key) : take(key);
    if (!value.IsDefined())
        return std::nullopt;
    const auto number = yamlInteger(value, m_path, keyName(m_what, key), m_out);
    if (number && (*number < min || *number > max)) {
        error(value, QStringLiteral("out-of-range"),
              QStringLiteral("%1 must be between %2 and %3, not %4")
                  .arg(keyName(m_what, key))
                  .arg(min)
                  .arg(max)
                  .arg(*number));
        return std::nullopt;
    }
    return number;
}

std::optional<bool> YamlMapReader::boolean(const char* key)
{
    const YAML::Node value = take(key);
    if (!value.IsDefined())
        return std::nullopt;
    return yamlBoolean(value, m_path, keyName(m_what, key), m_out);
}

template <typename T, typename Parse>
std::optional<T> YamlMapReader::typed(const char* key, bool required, Parse parse,
                                      const QString& rule, const QString& what,
                                      const QString& example)
{
    const YAML::Node value = required ? require(key) : take(key);
    if (!value.IsDefined())
        return std::nullopt;
    const auto text = yamlString(value, m_path, keyName(m_what, key), m_out);
    if (!text)
        return std::nullopt;
    const std::optional<T> parsed = parse(*text);
    if (!parsed) {
        error(value, rule,
              QStringLiteral("%1 is not %2: '%3' (write e.g. %4)")
                  .arg(keyName(m_what, key), what, *text, example));
    }
    return parsed;
}

std::optional<std::chrono::milliseconds> YamlMapReader::duration(const char* key, bool required)
{
    return typed<std::chrono::milliseconds>(
        key, required, [](const QString& text) { return parseDuration(text); },
        QStringLiteral("bad-duration"), QStringLiteral("a duration"),
        QStringLiteral("500ms, 30s, 5m, 1h30m"));
}

std::optional<Quantity> YamlMapReader::quantity(const char* key)
{
    return typed<Quantity>(
        key, false, [](const QString& text) { return parseQuantity(text); },
        QStringLiteral("bad-quantity"), QStringLiteral("a quantity"),
        QStringLiteral("250m, 0.5, 512Mi, 2Gi"));
}

std::optional<QString> YamlMapReader::oneOf(const char* key, const QStringList& allowed,
                                            bool required)
{
    const YAML::Node value = required ? require(key) : take(key);
    if (!value.IsDefined())
        return std::nullopt;
    const auto text = yamlString(value, m_path, keyName(m_what, key), m_out);
    if (!text)
        return std::nullopt;
    if (!allowed.contains(*text)) {
        const QString guess = closestMatch(*text, allowed);
        error(value, QStringLiteral("bad-value"),
              QStringLiteral("%1 must be one of %2, not '%3'%4")
                  .arg(keyName(m_what, key), allowed.join(QStringLiteral(", ")), *text,
                       guess.isEmpty() ? QString()
                                       : QStringLiteral(" (did you mean '%1'?)").arg(guess)));
        return std::nullopt;
    }
    return text;
}

QStringList YamlMapReader::stringList(const char* key)
{
    const YAML::Node value = take(key);
    QStringList list;
    if (!value.IsDefined())
        return list;
    if (!value.IsSequence()) {
        error(value, QStringLiteral("wrong-type"),
              QStringLiteral("%1 must be a list, not a %2")
                  .arg(keyName(m_what, key), yamlKindName(value)));
        return list;
    }
    for (const YAML::Node& item : value) {
        if (const auto text = yamlString(
                item, m_path, QStringLiteral("an item of ") + keyName(m_what, key), m_out))
            list.append(*text);
    }
    return list;
}

QList<std::pair<QString, QString>> YamlMapReader::stringMap(const char* key)
{
    const YAML::Node value = take(key);
    QList<std::pair<QString, QString>> entries;
    if (!value.IsDefined())
        return entries;
    if (!value.IsMap()) {
        error(value, QStringLiteral("wrong-type"),
              QStringLiteral("%1 must be a mapping, not a %2")
                  .arg(keyName(m_what, key), yamlKindName(value)));
        return entries;
    }
    for (const auto& entry : value) {
        const QString name = yamlText(entry.first);
        if (entry.second.IsNull()) {
            entries.append({name, QString()});
        } else if (const auto text = yamlString(
                       entry.second, m_path,
                       QStringLiteral("'%1' in ").arg(name) + keyName(m_what, key), m_out)) {
            entries.append({name, *text});
        }
    }
    return entries;
}

void YamlMapReader::finish()
{
    if (!m_isMap)
        return;
    QStringList known;
    known.reserve(static_cast<qsizetype>(m_taken.size()));
    for (const std::string& key : m_taken)
        known.append(QString::fromStdString(key));
    for (const auto& entry : m_node) {
        const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
        if (std::find(m_taken.begin(), m_taken.end(), key) != m_taken.end())
            continue;
        const QString name = QString::fromStdString(key);
        const QString guess = closestMatch(name, known);
        m_out.append(diagnosticAt(
            m_path, entry.first, Severity::High, QStringLiteral("unknown-key"),
            QStringLiteral("unknown key '%1' in %2%3")
                .arg(name, m_what,
                     guess.isEmpty()
                         ? QStringLiteral(" (known keys: %1)").arg(known.join(QStringLiteral(", ")))
                         : QStringLiteral(" (did you mean '%1'?)").arg(guess))));
    }
}

} // namespace launchdeck
