// Runs valijson over the embedded Compose schema and turns its error tree into findings.
#include "compose/composeschema.h"

#include "compose/composeinterpolation.h"
#include "compose/composespecadditions.h"
#include "compose/schemahints.h"
#include "compose/yamljson.h"
#include "core/yamlmapreader.h"
#include "core/yamlsource.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>

// Without exceptions valijson aborts the process on what it cannot handle.
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/qtjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>

Q_LOGGING_CATEGORY(lcComposeSchema, "launchdeck.compose", QtWarningMsg)

namespace launchdeck {

namespace embedded {
extern const char composeSpecJson[];
extern const std::size_t composeSpecJsonSize;
} // namespace embedded

namespace {

// valijson checks only the date and time formats, and in valijson 1.0 a "format" next to a
// non-string type (Compose's {"type": "number", "format": "ports"}) aborts validation of any
// non-string value. The Compose formats (ports, expose, duration, subnet_ip_address) are
// checked by the semantic rules instead, so the keyword is removed before parsing.
QJsonValue withoutFormats(const QJsonValue& value)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        // Only the keyword: env_file entries have a property named "format" (an object).
        if (object.value(u"format").isString())
            object.remove(QStringLiteral("format"));
        for (auto it = object.begin(); it != object.end(); ++it)
            it.value() = withoutFormats(it.value());
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            array[i] = withoutFormats(array[i]);
        return array;
    }
    return value;
}

const QString ruleName = QStringLiteral("compose-schema");

struct LoadedSchema
{
    LoadedSchema()
    {
        const QByteArray bytes = QByteArray::fromRawData(
            embedded::composeSpecJson, static_cast<qsizetype>(embedded::composeSpecJsonSize));
        QJsonParseError error;
        json = QJsonDocument::fromJson(bytes, &error).object();
        if (error.error != QJsonParseError::NoError) {
            problem = QStringLiteral("the embedded Compose schema is not JSON: %1")
                          .arg(error.errorString());
            return;
        }
        problem = applyComposeSpecAdditions(json);
        if (!problem.isEmpty()) {
            qCCritical(lcComposeSchema) << problem;
            return;
        }
        // The file declares draft 2019-09 but uses nothing beyond draft 7, which valijson reads.
        try {
            valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
            const QJsonValue root = withoutFormats(json);
            const valijson::adapters::QtJsonAdapter adapter(root);
            parser.populateSchema(adapter, schema);
            hints = std::make_unique<SchemaHints>(json);
        } catch (const std::exception& e) {
            problem = QStringLiteral("the embedded Compose schema cannot be used: %1")
                          .arg(QString::fromStdString(e.what()));
        }
        if (!problem.isEmpty())
            qCCritical(lcComposeSchema) << problem;
    }

    QJsonObject json;
    valijson::Schema schema;
    std::unique_ptr<SchemaHints> hints;
    QString problem;
};

const LoadedSchema& loadedSchema()
{
    // Parsed once, on first use; C++ makes the initialisation of a local static thread-safe.
    static const LoadedSchema instance;
    return instance;
}

enum class Kind { Wrapper, Type, Enum, Pattern, UnknownKey, Required, Other };

struct RawError
{
    QStringList segments;
    QString description;
    Kind kind = Kind::Other;
    QString key; // for UnknownKey and Required
};

QString quotedTail(const QString& description)
{
    const qsizetype end = description.lastIndexOf(u'\'');
    const qsizetype start = description.lastIndexOf(u'\'', end - 1);
    return start >= 0 && end > start ? description.mid(start + 1, end - start - 1) : QString();
}

RawError classify(const valijson::ValidationResults::Error& error)
{
    RawError raw;
    for (size_t i = 0; i < error.context.size(); ++i) {
        const QString element = QString::fromStdString(error.context[i]);
        if (i == 0 && element == u"<root>")
            continue;
        raw.segments.append(element.startsWith(u'[') && element.endsWith(u']')
                                ? element.mid(1, element.size() - 2)
                                : element);
    }
    raw.description = QString::fromStdString(error.description);
    const QString& d = raw.description;
    static const char* const wrappers[] = {
        "Failed to validate item #",
        "Cannot validate item #",
        "Failed to validate against schema associated with",
        "Failed to validate against any child schemas",
        "Failed to validate against any schemas allowed by anyOf",
        "Failed to validate against child schema #",
        "Failed to validate against additional properties schema",
        "Failed to validate value for property",
    };
    for (const char* wrapper : wrappers) {
        if (d.startsWith(QLatin1String(wrapper)))
            raw.kind = Kind::Wrapper;
    }
    if (d.startsWith(u"Value type not permitted")) {
        raw.kind = Kind::Type;
    } else if (d.startsWith(u"Failed to match against any enum")) {
        raw.kind = Kind::Enum;
    } else if (d.startsWith(u"Failed to match regex specified by 'pattern'")) {
        raw.kind = Kind::Pattern;
    } else if (d.contains(u"could not be validated using 'properties'")) {
        raw.kind = Kind::UnknownKey;
        raw.key = quotedTail(d);
    } else if (d.startsWith(u"Missing required property")) {
        raw.kind = Kind::Required;
        raw.key = quotedTail(d);
    }
    return raw;
}

bool isPrefix(const QStringList& prefix, const QStringList& path)
{
    if (prefix.size() > path.size())
        return false;
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        if (prefix[i] != path[i])
            return false;
    }
    return true;
}

// "services.web.ports[0]", the way the Compose documentation names places.
QString locationName(const QStringList& segments, const YamlJson& tree)
{
    if (segments.isEmpty())
        return QStringLiteral("the top level");
    QString name;
    QStringList walked;
    for (const QString& segment : segments) {
        const YAML::Node parent = tree.nodes.value(jsonPointer(walked));
        if (parent.IsSequence())
            name += u'[' + segment + u']';
        else
            name += (name.isEmpty() ? QString() : QStringLiteral(".")) + segment;
        walked.append(segment);
    }
    return name;
}

QString valueWord(const YAML::Node& node)
{
    if (node.IsMap())
        return QStringLiteral("a mapping");
    if (node.IsSequence())
        return QStringLiteral("a list");
    const QJsonValue value = yamlScalarToJson(node);
    const QString text = yamlText(node);
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("empty");
    case QJsonValue::Bool:
        return QStringLiteral("the boolean %1").arg(text);
    case QJsonValue::Double:
        return QStringLiteral("the number %1").arg(text);
    default:
        break;
    }
    return QStringLiteral("the string '%1'").arg(text);
}

class Reporter
{
public:
    Reporter(const QString& path, const YamlJson& tree, const SchemaHints& hints, Diagnostics& out)
        : m_path(path)
        , m_tree(tree)
        , m_hints(hints)
        , m_out(out)
    {}

    void report(const QList<RawError>& errors)
    {
        QSet<QString> done;
        for (const RawError& error : errors) {
            if (!keep(error, errors))
                continue;
            const QString pointer = jsonPointer(error.segments);
            const QString identity =
                pointer + u'\x1f' + QString::number(int(error.kind)) + u'\x1f' +
                (error.kind == Kind::Other || error.kind == Kind::Wrapper ? error.description
                                                                          : error.key);
            if (done.contains(identity))
                continue;
            done.insert(identity);
            reportOne(error);
        }
    }

private:
    bool keep(const RawError& error, const QList<RawError>& all) const
    {
        const YAML::Node node = m_tree.nodes.value(jsonPointer(error.segments));
        // A value made of variables is typed only once docker compose interpolates it.
        if (node.IsScalar() && hasComposeInterpolation(QString::fromStdString(node.Scalar())))
            return false;
        for (const RawError& other : all) {
            if (&other == &error || other.kind == Kind::Wrapper)
                continue;
            const bool deeper = other.segments.size() > error.segments.size() &&
                                isPrefix(error.segments, other.segments);
            const bool same = other.segments == error.segments;
            switch (error.kind) {
            case Kind::Wrapper:
                if (deeper || same)
                    return false;
                break;
            case Kind::Type:
                // Another alternative accepted the type and failed on something more precise.
                if (deeper || (same && other.kind != Kind::Type))
                    return false;
                break;
            case Kind::Enum:
            case Kind::Pattern:
                if (deeper || (same && other.kind != Kind::Type && other.kind != Kind::Enum &&
                               other.kind != Kind::Pattern))
                    return false;
                break;
            case Kind::UnknownKey:
            case Kind::Required:
            case Kind::Other:
                break;
            }
        }
        return true;
    }

    void add(const YAML::Node& at, const QString& message)
    {
        m_out.append(diagnosticAt(m_path, at, Severity::High, ruleName, message));
    }

    void reportOne(const RawError& error)
    {
        const QString pointer = jsonPointer(error.segments);
        const YAML::Node node = m_tree.nodes.value(pointer);
        const QString where = locationName(error.segments, m_tree);
        const SchemaHints::Hint hint = m_hints.at(error.segments);
        switch (error.kind) {
        case Kind::Type: {
            QStringList words;
            for (const QString& type : hint.types) {
                const QString word = yamlTypeWord(type);
                if (!words.contains(word))
                    words.append(word);
            }
            add(node,
                QStringLiteral("%1 must be %2, not %3")
                    .arg(where, joinAlternatives(words, QStringLiteral("or")), valueWord(node)));
            return;
        }
        case Kind::Enum:
            add(node, QStringLiteral("%1 must be one of %2, not %3")
                          .arg(where, hint.enumValues.join(QStringLiteral(", ")), valueWord(node)));
            return;
        case Kind::Pattern:
            add(node, QStringLiteral("%1 must match the pattern %2, not %3")
                          .arg(where, hint.patterns.join(QStringLiteral(" or ")), valueWord(node)));
            return;
        case Kind::UnknownKey: {
            const YAML::Node key = m_tree.keys.value(pointer).value(error.key);
            if (hint.keys.isEmpty() && !hint.keyPatterns.isEmpty()) {
                add(key.IsDefined() ? key : node,
                    QStringLiteral("'%1' is not a valid name in %2 (names must match %3)")
                        .arg(error.key, where, hint.keyPatterns.join(QStringLiteral(" or "))));
                return;
            }
            const QString guess = closestMatch(error.key, hint.keys);
            add(key.IsDefined() ? key : node,
                QStringLiteral("unknown key '%1' in %2%3")
                    .arg(error.key, where,
                         guess.isEmpty() ? QString()
                                         : QStringLiteral(" (did you mean '%1'?)").arg(guess)));
            return;
        }
        case Kind::Required:
            add(node, QStringLiteral("%1 is missing the required key '%2'").arg(where, error.key));
            return;
        case Kind::Wrapper:
            add(node, QStringLiteral("%1 (%2) matches none of the forms the Compose specification "
                                     "allows there")
                          .arg(where, valueWord(node)));
            return;
        case Kind::Other:
            break;
        }
        QString detail = error.description;
        if (detail.endsWith(u'.'))
            detail.chop(1);
        if (!detail.isEmpty())
            detail[0] = detail[0].toLower();
        add(node, QStringLiteral("%1: %2").arg(where, detail));
    }

    const QString& m_path;
    const YamlJson& m_tree;
    const SchemaHints& m_hints;
    Diagnostics& m_out;
};

constexpr int maxRounds = 64;

QList<RawError> validateOnce(const valijson::Schema& schema, const QJsonValue& value)
{
    valijson::Validator validator;
    valijson::ValidationResults results;
    const valijson::adapters::QtJsonAdapter adapter(value);
    QList<RawError> errors;
    if (validator.validate(schema, adapter, &results))
        return errors;
    valijson::ValidationResults::Error error;
    while (results.popError(error))
        errors.append(classify(error));
    return errors;
}

bool matchesAny(const QString& key, const QStringList& patterns)
{
    for (const QString& pattern : patterns) {
        if (QRegularExpression(pattern).match(key).hasMatch())
            return true;
    }
    return false;
}

bool hasDeeperError(const RawError& error, const QList<RawError>& all)
{
    for (const RawError& other : all) {
        if (other.kind != Kind::Wrapper && other.segments.size() > error.segments.size() &&
            isPrefix(error.segments, other.segments))
            return true;
    }
    return false;
}

// "could not be validated" for a name the patterns accept: valijson gave up before reaching it.
bool isArtifact(const RawError& error, const SchemaHints& hints)
{
    if (error.kind != Kind::UnknownKey)
        return false;
    const SchemaHints::Hint hint = hints.at(error.segments);
    return !hint.keys.contains(error.key) && matchesAny(error.key, hint.keyPatterns);
}

// The innermost member of a patternProperties mapping under which `error` lies, if any.
std::optional<QString> failingPatternMember(const RawError& error, const SchemaHints& hints,
                                            const YamlJson& tree)
{
    for (qsizetype depth = error.segments.size() - 1; depth >= 0; --depth) {
        const QStringList parent = error.segments.mid(0, depth);
        if (!tree.nodes.value(jsonPointer(parent)).IsMap())
            continue;
        const QString& key = error.segments[depth];
        const SchemaHints::Hint hint = hints.at(parent);
        if (!hint.keys.contains(key) && matchesAny(key, hint.keyPatterns))
            return jsonPointer(parent + QStringList{key});
    }
    return std::nullopt;
}

QJsonValue removeAt(const QJsonValue& value, QStringList segments)
{
    if (segments.isEmpty())
        return value;
    const QString head = segments.takeFirst();
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        if (segments.isEmpty())
            object.remove(head);
        else if (object.contains(head))
            object.insert(head, removeAt(object.value(head), segments));
        return object;
    }
    if (value.isArray() && !segments.isEmpty()) {
        QJsonArray array = value.toArray();
        bool ok = false;
        const qsizetype index = head.toLongLong(&ok);
        if (ok && index >= 0 && index < array.size())
            array[index] = removeAt(array[index], segments);
        return array;
    }
    return value;
}

} // namespace

void checkComposeSchema(const QString& path, const YAML::Node& document, Diagnostics& out)
{
    const LoadedSchema& loaded = loadedSchema();
    if (!loaded.problem.isEmpty()) {
        out.append({path, 0, 0, Severity::Critical, ruleName, loaded.problem});
        return;
    }
    const YamlJson tree = yamlToJson(document);
    QJsonValue remaining = tree.value;
    QList<RawError> errors;
    // valijson stops at the first failing member of a patternProperties mapping (a service, a
    // network) and reports the next one as unknown, and reports one unknown key per mapping.
    // Each round takes the members already found wrong out and validates the rest again.
    for (int round = 0; round < maxRounds; ++round) {
        QList<RawError> found;
        try {
            found = validateOnce(loaded.schema, remaining);
        } catch (const std::exception& e) {
            out.append({path, 0, 0, Severity::High, ruleName,
                        QStringLiteral("the Compose schema could not be applied: %1")
                            .arg(QString::fromStdString(e.what()))});
            return;
        }
        QSet<QString> removals;
        for (const RawError& error : std::as_const(found)) {
            if (isArtifact(error, *loaded.hints)) {
                removals.insert(jsonPointer(error.segments + QStringList{error.key}));
                continue;
            }
            errors.append(error);
            if (error.kind == Kind::UnknownKey) {
                removals.insert(jsonPointer(error.segments + QStringList{error.key}));
                continue;
            }
            if (error.kind == Kind::Wrapper || hasDeeperError(error, found))
                continue; // not where the value went wrong
            if (const auto member = failingPatternMember(error, *loaded.hints, tree))
                removals.insert(*member);
        }
        // Only members that were validated and found wrong are removed: an artifact names a
        // member that was never looked at, so it stays for the next round.
        for (const RawError& error : std::as_const(found)) {
            if (isArtifact(error, *loaded.hints))
                removals.remove(jsonPointer(error.segments + QStringList{error.key}));
        }
        if (removals.isEmpty())
            break;
        for (const QString& pointer : std::as_const(removals))
            remaining = removeAt(remaining, jsonPointerSegments(pointer));
    }
    Reporter(path, tree, *loaded.hints, out).report(errors);
}

} // namespace launchdeck
