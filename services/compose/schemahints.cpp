// Walks a JSON schema (references and alternatives included) along a JSON location.
#include "compose/schemahints.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <utility>

namespace launchdeck {

namespace {

void appendUnique(QStringList& list, const QString& value)
{
    if (!list.contains(value))
        list.append(value);
}

} // namespace

SchemaHints::SchemaHints(QJsonObject schema)
    : m_schema(std::move(schema))
{}

QList<QJsonObject> SchemaHints::expand(const QJsonObject& schema, int depth) const
{
    // Depth guards against schemas whose references loop.
    if (depth > 16)
        return {};
    QList<QJsonObject> result;
    if (const QString ref = schema.value(u"$ref").toString(); ref.startsWith(u"#/")) {
        QJsonValue target = m_schema;
        for (const QString& segment : ref.mid(2).split(u'/'))
            target = target.toObject().value(segment);
        result += expand(target.toObject(), depth + 1);
    } else {
        result.append(schema);
    }
    for (const char* combinator : {"oneOf", "anyOf", "allOf"}) {
        for (const QJsonValue alternative : schema.value(QLatin1String(combinator)).toArray())
            result += expand(alternative.toObject(), depth + 1);
    }
    return result;
}

QList<QJsonObject> SchemaHints::children(const QJsonObject& schema, const QString& segment) const
{
    QList<QJsonObject> result;
    const QJsonObject properties = schema.value(u"properties").toObject();
    if (properties.contains(segment)) {
        result.append(properties.value(segment).toObject());
        return result;
    }
    const QJsonObject patterns = schema.value(u"patternProperties").toObject();
    for (auto it = patterns.begin(); it != patterns.end(); ++it) {
        if (QRegularExpression(it.key()).match(segment).hasMatch())
            result.append(it.value().toObject());
    }
    if (result.isEmpty() && schema.value(u"additionalProperties").isObject())
        result.append(schema.value(u"additionalProperties").toObject());
    if (schema.value(u"items").isObject())
        result.append(schema.value(u"items").toObject());
    return result;
}

SchemaHints::Hint SchemaHints::at(const QStringList& segments) const
{
    QList<QJsonObject> current = expand(m_schema);
    for (const QString& segment : segments) {
        QList<QJsonObject> next;
        for (const QJsonObject& schema : std::as_const(current)) {
            for (const QJsonObject& child : children(schema, segment))
                next += expand(child);
        }
        current = next;
    }

    Hint hint;
    for (const QJsonObject& schema : std::as_const(current)) {
        const QJsonValue type = schema.value(u"type");
        if (type.isString())
            appendUnique(hint.types, type.toString());
        for (const QJsonValue item : type.toArray())
            appendUnique(hint.types, item.toString());
        const QJsonObject properties = schema.value(u"properties").toObject();
        for (auto it = properties.begin(); it != properties.end(); ++it)
            appendUnique(hint.keys, it.key());
        const QJsonObject patterns = schema.value(u"patternProperties").toObject();
        for (auto it = patterns.begin(); it != patterns.end(); ++it)
            appendUnique(hint.keyPatterns, it.key());
        if (const QString pattern = schema.value(u"pattern").toString(); !pattern.isEmpty())
            appendUnique(hint.patterns, pattern);
        for (const QJsonValue value : schema.value(u"enum").toArray()) {
            appendUnique(hint.enumValues,
                         value.isString() ? value.toString() : value.toVariant().toString());
        }
    }
    return hint;
}

QString yamlTypeWord(const QString& jsonType)
{
    if (jsonType == u"object")
        return QStringLiteral("a mapping");
    if (jsonType == u"array")
        return QStringLiteral("a list");
    if (jsonType == u"integer")
        return QStringLiteral("a whole number");
    if (jsonType == u"boolean")
        return QStringLiteral("true or false");
    if (jsonType == u"null")
        return QStringLiteral("empty");
    return u"a " + jsonType;
}

QString joinAlternatives(const QStringList& words, const QString& lastSeparator)
{
    if (words.size() <= 1)
        return words.value(0);
    return words.mid(0, words.size() - 1).join(QStringLiteral(", ")) + u' ' + lastSeparator + u' ' +
           words.last();
}

} // namespace launchdeck
