// YAML text of live objects and the Drift view's line diff.
#include "clusteryaml.h"

#include "templates/docnode.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <vector>

namespace launchdeck::clusteryaml {

namespace {

QString scalarText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (std::abs(number) < 9.0e15 && number == double(qint64(number)))
            return QString::number(qint64(number));
        return QString::number(number, 'g', 17);
    }
    case QJsonValue::String:
        return templates::yamlScalarText(value.toString());
    case QJsonValue::Array:
        return QStringLiteral("[]");
    case QJsonValue::Object:
        return QStringLiteral("{}");
    }
    return {};
}

bool isBlock(const QJsonValue& value)
{
    return (value.isObject() && !value.toObject().isEmpty()) ||
           (value.isArray() && !value.toArray().isEmpty());
}

void write(const QJsonValue& value, int indent, QString& out);

// An item of a sequence: "- " then the item, whose first line shares the dash's line.
void writeItem(const QJsonValue& item, int indent, QString& out)
{
    const QString pad(indent, u' ');
    if (!isBlock(item)) {
        out += pad + u"- " + scalarText(item) + u'\n';
        return;
    }
    QString body;
    write(item, indent + 2, body);
    // The item's first line moves up beside the dash.
    out += pad + u"- " + body.mid(indent + 2);
}

void write(const QJsonValue& value, int indent, QString& out)
{
    const QString pad(indent, u' ');
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString key = templates::yamlScalarText(it.key());
            if (!isBlock(it.value())) {
                out += pad + key + u": " + scalarText(it.value()) + u'\n';
            } else if (it.value().isArray()) {
                // kubectl's style: a list sits at its key's indentation.
                out += pad + key + u":\n";
                for (const QJsonValue item : it.value().toArray())
                    writeItem(item, indent, out);
            } else {
                out += pad + key + u":\n";
                write(it.value(), indent + 2, out);
            }
        }
    } else if (value.isArray()) {
        for (const QJsonValue item : value.toArray())
            writeItem(item, indent, out);
    } else {
        out += pad + scalarText(value) + u'\n';
    }
}

QString nameOf(const QJsonValue& item)
{
    return item.isObject() ? item.toObject().value(u"name").toString() : QString();
}

} // namespace

QString toYaml(const QJsonValue& value)
{
    QString out;
    if (!isBlock(value) && !value.isObject() && !value.isArray())
        return scalarText(value) + u'\n';
    write(value, 0, out);
    return out;
}

QJsonObject withoutManagedFields(QJsonObject object)
{
    QJsonObject metadata = object.value(u"metadata").toObject();
    if (metadata.contains(u"managedFields")) {
        metadata.remove(u"managedFields");
        object.insert(u"metadata", metadata);
    }
    return object;
}

QString maskText()
{
    return QStringLiteral("••••••");
}

QJsonObject maskedSecret(QJsonObject object)
{
    if (object.value(u"kind").toString() != u"Secret")
        return object;
    for (const char16_t* name : {u"data", u"stringData"}) {
        const QString field = QString::fromUtf16(name);
        if (!object.contains(field))
            continue;
        QJsonObject values = object.value(field).toObject();
        for (auto it = values.begin(); it != values.end(); ++it)
            *it = maskText();
        object.insert(field, values);
    }
    QJsonObject metadata = object.value(u"metadata").toObject();
    QJsonObject annotations = metadata.value(u"annotations").toObject();
    const QString lastApplied = QStringLiteral("kubectl.kubernetes.io/last-applied-configuration");
    if (annotations.contains(lastApplied)) {
        annotations.insert(lastApplied, maskText());
        metadata.insert(u"annotations", annotations);
        object.insert(u"metadata", metadata);
    }
    return object;
}

QJsonValue restrictTo(const QJsonValue& live, const QJsonValue& desired)
{
    if (live.isObject() && desired.isObject()) {
        const QJsonObject have = live.toObject();
        const QJsonObject want = desired.toObject();
        QJsonObject out;
        for (auto it = want.begin(); it != want.end(); ++it) {
            if (have.contains(it.key()))
                out.insert(it.key(), restrictTo(have.value(it.key()), it.value()));
        }
        return out;
    }
    if (live.isArray() && desired.isArray()) {
        const QJsonArray have = live.toArray();
        const QJsonArray want = desired.toArray();
        const bool named = !want.isEmpty() && std::all_of(want.begin(), want.end(), [](auto item) {
            return !nameOf(item).isEmpty();
        });
        QJsonArray out;
        if (named) {
            QList<bool> used(have.size(), false);
            for (const QJsonValue item : want) {
                for (qsizetype i = 0; i < have.size(); ++i) {
                    if (!used[i] && nameOf(have[i]) == nameOf(item)) {
                        used[i] = true;
                        out.append(restrictTo(have[i], item));
                        break;
                    }
                }
            }
            // Items the manifest does not name are drift in full.
            for (qsizetype i = 0; i < have.size(); ++i)
                if (!used[i])
                    out.append(have[i]);
            return out;
        }
        for (qsizetype i = 0; i < have.size(); ++i)
            out.append(i < want.size() ? restrictTo(have[i], want[i]) : have[i]);
        return out;
    }
    return live;
}

QList<DiffLine> lineDiff(const QStringList& before, const QStringList& after)
{
    // The common head and tail need no table; what is between is usually a few lines.
    qsizetype head = 0;
    while (head < before.size() && head < after.size() && before[head] == after[head])
        ++head;
    qsizetype tail = 0;
    while (tail < before.size() - head && tail < after.size() - head &&
           before[before.size() - 1 - tail] == after[after.size() - 1 - tail])
        ++tail;
    const qsizetype n = before.size() - head - tail;
    const qsizetype m = after.size() - head - tail;

    QList<DiffLine> out;
    for (qsizetype i = 0; i < head; ++i)
        out.append({DiffLine::Op::Same, before[i]});
    constexpr qsizetype kMaxCells = 16'000'000;
    if (n * m > kMaxCells) {
        for (qsizetype i = 0; i < n; ++i)
            out.append({DiffLine::Op::Removed, before[head + i]});
        for (qsizetype j = 0; j < m; ++j)
            out.append({DiffLine::Op::Added, after[head + j]});
    } else {
        // lcs[i][j]: the longest common subsequence of before[i..] and after[j..].
        std::vector<int> lcs(size_t((n + 1) * (m + 1)), 0);
        const auto at = [m](qsizetype i, qsizetype j) {
            return size_t(i * (m + 1) + j);
        };
        for (qsizetype i = n - 1; i >= 0; --i) {
            for (qsizetype j = m - 1; j >= 0; --j) {
                lcs[at(i, j)] = before[head + i] == after[head + j]
                                    ? lcs[at(i + 1, j + 1)] + 1
                                    : std::max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
            }
        }
        qsizetype i = 0;
        qsizetype j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && before[head + i] == after[head + j]) {
                out.append({DiffLine::Op::Same, before[head + i]});
                ++i;
                ++j;
            } else if (i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)])) {
                out.append({DiffLine::Op::Removed, before[head + i]});
                ++i;
            } else {
                out.append({DiffLine::Op::Added, after[head + j]});
                ++j;
            }
        }
    }
    for (qsizetype i = before.size() - tail; i < before.size(); ++i)
        out.append({DiffLine::Op::Same, before[i]});
    return out;
}

} // namespace launchdeck::clusteryaml
