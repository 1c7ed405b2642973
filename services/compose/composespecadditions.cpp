// Reads composespec-additions.json from the library's resources and sets each value it names
// into the base Compose schema.
#include "compose/composespecadditions.h"

#include "compose/yamljson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <functional>
#include <optional>

// Resources of a static library are linked only when something refers to their initialiser,
// and Q_INIT_RESOURCE has to be used outside any namespace.
static void initComposeSchemaResources()
{
    Q_INIT_RESOURCE(composeschema);
}

namespace launchdeck {

namespace {

const QString additionsPath = QStringLiteral(":/launchdeck/compose/composespec-additions.json");

std::optional<QJsonObject> readAdditions(QString& problem)
{
    initComposeSchemaResources();
    QFile file(additionsPath);
    if (!file.open(QIODevice::ReadOnly)) {
        problem = QStringLiteral("the Compose schema additions cannot be read: %1")
                      .arg(file.errorString());
        return std::nullopt;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        problem = QStringLiteral("the Compose schema additions are not a JSON object: %1")
                      .arg(error.errorString());
        return std::nullopt;
    }
    return document.object();
}

// Sets `value` at `segments` below `node`; every segment but the last must already exist.
bool setAt(QJsonValue& node, QStringList segments, const QJsonValue& value,
           const std::function<QJsonValue(const QJsonValue&)>& change)
{
    if (segments.isEmpty()) {
        node = change ? change(node) : value;
        return true;
    }
    const QString head = segments.takeFirst();
    if (node.isObject()) {
        QJsonObject object = node.toObject();
        if (!object.contains(head) && !(segments.isEmpty() && !change))
            return false;
        QJsonValue child = object.value(head);
        if (!setAt(child, segments, value, change))
            return false;
        object.insert(head, child);
        node = object;
        return true;
    }
    if (node.isArray()) {
        QJsonArray array = node.toArray();
        bool ok = false;
        const qsizetype index = head.toLongLong(&ok);
        if (!ok || index < 0 || index >= array.size())
            return false;
        QJsonValue child = array.at(index);
        if (!setAt(child, segments, value, change))
            return false;
        array[index] = child;
        node = array;
        return true;
    }
    return false;
}

// The JSON type list at a location with "string" added: the value docker compose converts after
// interpolation may be written quoted.
QJsonValue withStringType(const QJsonValue& type)
{
    QJsonArray types = type.isArray() ? type.toArray() : QJsonArray{type};
    if (!types.contains(QStringLiteral("string")))
        types.append(QStringLiteral("string"));
    return types;
}

} // namespace

QString applyComposeSpecAdditions(QJsonObject& schema)
{
    QString problem;
    const auto additions = readAdditions(problem);
    if (!additions)
        return problem;
    QJsonValue root = schema;
    for (const QJsonValue entry : additions->value(u"additions").toArray()) {
        const QJsonObject addition = entry.toObject();
        const QString at = addition.value(u"at").toString();
        if (!setAt(root, jsonPointerSegments(at), addition.value(u"value"), {}))
            return QStringLiteral("the Compose schema addition at %1 (%2) does not fit the base "
                                  "schema")
                .arg(at, addition.value(u"change").toString());
    }
    for (const QJsonValue at : additions->value(u"stringsAllowed")[u"at"].toArray()) {
        const QStringList segments = jsonPointerSegments(at.toString()) << QStringLiteral("type");
        if (!setAt(root, segments, {}, withStringType))
            return QStringLiteral("the Compose schema has no type at %1 to allow strings in")
                .arg(at.toString());
    }
    schema = root.toObject();
    return {};
}

} // namespace launchdeck
