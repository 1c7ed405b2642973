// Reading metrics-server's PodMetrics: Kubernetes quantities decoded as apimachinery's
// resource.ParseQuantity reads them, and Go durations for the window.
#include "kubernetes/podmetrics.h"

#include "kubernetes/kubeclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace launchdeck::kube {

namespace {

constexpr auto kNotServed = "no metrics API (metrics-server is not installed)";

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// The digits at `pos` (at least one), moving past them.
QByteArray digitsAt(QStringView text, qsizetype& pos)
{
    QByteArray digits;
    while (pos < text.size() && isDigit(text[pos]))
        digits.append(char(text[pos++].unicode()));
    return digits;
}

// A Go duration ("30s", "1m0s", "1.5s", "500ms", "1h0m0s") in seconds.
std::optional<double> parseGoDuration(QStringView text)
{
    struct Unit
    {
        QStringView name;
        double seconds;
    };
    // Longest first, so "ms" is not read as "m" then "s".
    static const Unit units[] = {{u"ns", 1e-9},      {u"us", 1e-6}, {u"\u00b5s", 1e-6},
                                 {u"\u03bcs", 1e-6}, {u"ms", 1e-3}, {u"s", 1},
                                 {u"m", 60},         {u"h", 3600}};
    if (text == u"0")
        return 0.0;
    if (text.isEmpty())
        return std::nullopt;
    double total = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        QByteArray number = digitsAt(text, pos);
        if (pos < text.size() && text[pos] == u'.') {
            ++pos;
            number += '.';
            number += digitsAt(text, pos);
        }
        if (number.isEmpty() || number == ".")
            return std::nullopt;
        const Unit* unit = nullptr;
        for (const Unit& candidate : units) {
            if (text.sliced(pos).startsWith(candidate.name)) {
                unit = &candidate;
                break;
            }
        }
        if (!unit)
            return std::nullopt;
        pos += unit->name.size();
        total += number.toDouble() * unit->seconds;
    }
    return total;
}

QString podName(const PodMetrics& pod)
{
    return pod.nameSpace.isEmpty() ? pod.pod : pod.nameSpace + u'/' + pod.pod;
}

// One item of the list; an empty string when it reads, else what is wrong with it.
QString readItem(const QJsonObject& item, PodMetrics* pod)
{
    const QJsonObject metadata = item.value(u"metadata").toObject();
    pod->pod = metadata.value(u"name").toString();
    pod->nameSpace = metadata.value(u"namespace").toString();
    if (pod->pod.isEmpty())
        return QStringLiteral("an item without metadata.name");
    const QString timestamp = item.value(u"timestamp").toString();
    pod->timestamp = QDateTime::fromString(timestamp, Qt::ISODateWithMs);
    if (!timestamp.isEmpty() && !pod->timestamp.isValid())
        return QStringLiteral("pod %1: timestamp \"%2\" is not a time")
            .arg(podName(*pod), timestamp.left(40));
    const QString window = item.value(u"window").toString();
    if (!window.isEmpty()) {
        const std::optional<double> seconds = parseGoDuration(window);
        if (!seconds)
            return QStringLiteral("pod %1: window \"%2\" is not a duration")
                .arg(podName(*pod), window.left(40));
        pod->windowSeconds = *seconds;
    }
    const QJsonArray containers = item.value(u"containers").toArray();
    for (const QJsonValue& value : containers) {
        const QJsonObject container = value.toObject();
        ContainerUsage usage;
        usage.name = container.value(u"name").toString();
        const QJsonObject used = container.value(u"usage").toObject();
        const QString cpu = used.value(u"cpu").toString();
        const QString memory = used.value(u"memory").toString();
        const std::optional<double> cores = parseQuantity(cpu);
        const std::optional<double> bytes = parseQuantity(memory);
        const auto bad = [&](const char* what, const QString& text) {
            return QStringLiteral("pod %1 container %2: %3 \"%4\" is not a quantity")
                .arg(podName(*pod), usage.name, QLatin1String(what), text.left(40));
        };
        if (!cores)
            return bad("cpu", cpu);
        if (!bytes)
            return bad("memory", memory);
        usage.cpuCores = *cores;
        usage.memoryBytes = *bytes;
        pod->containers.append(usage);
    }
    return {};
}

} // namespace

std::optional<double> parseQuantity(QStringView text)
{
    // <sign><digits>[.<digits>]<suffix>, the suffix one of the decimal SI prefixes, the binary
    // ones, or e/E with a signed integer exponent: the grammar of resource.Quantity.
    qsizetype pos = 0;
    QByteArray number;
    if (pos < text.size() && (text[pos] == u'+' || text[pos] == u'-')) {
        if (text[pos] == u'-')
            number.append('-');
        ++pos;
    }
    const QByteArray whole = digitsAt(text, pos);
    QByteArray fraction;
    if (pos < text.size() && text[pos] == u'.') {
        ++pos;
        fraction = digitsAt(text, pos);
    }
    if (whole.isEmpty() && fraction.isEmpty())
        return std::nullopt;
    number += whole.isEmpty() ? QByteArray("0") : whole;
    number += '.';
    number += fraction.isEmpty() ? QByteArray("0") : fraction;

    const QStringView suffix = text.sliced(pos);
    int exponent = 0;
    int binaryPower = 0;
    static const struct
    {
        QStringView name;
        int exponent;
        int binaryPower;
    } suffixes[] = {{u"", 0, 0},    {u"n", -9, 0},  {u"u", -6, 0},  {u"m", -3, 0},
                    {u"k", 3, 0},   {u"M", 6, 0},   {u"G", 9, 0},   {u"T", 12, 0},
                    {u"P", 15, 0},  {u"E", 18, 0},  {u"Ki", 0, 10}, {u"Mi", 0, 20},
                    {u"Gi", 0, 30}, {u"Ti", 0, 40}, {u"Pi", 0, 50}, {u"Ei", 0, 60}};
    bool known = false;
    for (const auto& candidate : suffixes) {
        if (suffix == candidate.name) {
            exponent = candidate.exponent;
            binaryPower = candidate.binaryPower;
            known = true;
            break;
        }
    }
    if (!known) {
        if (suffix.size() < 2 || (suffix[0] != u'e' && suffix[0] != u'E'))
            return std::nullopt;
        qsizetype at = 1;
        bool negative = false;
        if (suffix[at] == u'+' || suffix[at] == u'-')
            negative = suffix[at++] == u'-';
        const QByteArray digits = digitsAt(suffix, at);
        if (digits.isEmpty() || at != suffix.size() || digits.size() > 6)
            return std::nullopt;
        exponent = negative ? -digits.toInt() : digits.toInt();
    }
    bool ok = false;
    // The exponent goes into the text so strtod rounds once; a binary power is exact.
    const QByteArray scientific = number + 'e' + QByteArray::number(exponent);
    double value = scientific.toDouble(&ok);
    if (!ok)
        return std::nullopt;
    value = std::ldexp(value, binaryPower);
    if (!std::isfinite(value))
        return std::nullopt;
    return value;
}

bool isMetricsNotServed(QStringView error)
{
    return error.contains(QLatin1String(kNotServed));
}

PodMetricsAnswer readPodMetrics(KubeClient& client, const QString& nameSpace,
                                const std::atomic_bool* cancel)
{
    PodMetricsAnswer answer;
    const QString path =
        nameSpace.isEmpty()
            ? QStringLiteral("/apis/metrics.k8s.io/v1beta1/pods")
            : QStringLiteral("/apis/metrics.k8s.io/v1beta1/namespaces/%1/pods").arg(nameSpace);
    const KubeAnswer reply = client.get(path, 30'000, cancel);
    if (reply.status == 404) {
        // The aggregated API is registered by metrics-server; without it the group is absent
        // and the API server answers 404 for the whole path.
        answer.notServed = true;
        answer.error =
            QStringLiteral("%1: GET %2 answered HTTP 404").arg(QLatin1String(kNotServed), path);
        return answer;
    }
    if (!reply.ok()) {
        // A transport failure already names the server; the cluster's owner names the cluster,
        // as for every read.
        answer.error =
            reply.unreachable ? reply.error : QStringLiteral("GET %1: %2").arg(path, reply.error);
        return answer;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(reply.body, &parseError);
    if (!document.isObject() || !document.object().value(u"items").isArray()) {
        answer.error = QStringLiteral("GET %1 did not answer a PodMetricsList%2")
                           .arg(path, parseError.error == QJsonParseError::NoError
                                          ? QString()
                                          : QStringLiteral(" (%1 at byte %2)")
                                                .arg(parseError.errorString())
                                                .arg(parseError.offset));
        return answer;
    }
    QStringList problems;
    const QJsonArray items = document.object().value(u"items").toArray();
    for (const QJsonValue& value : items) {
        PodMetrics pod;
        const QString problem = readItem(value.toObject(), &pod);
        if (problem.isEmpty())
            answer.pods.append(pod);
        else
            problems.append(problem);
    }
    // The readable pods are kept: one odd item must not blank a namespace's charts.
    if (!problems.isEmpty())
        answer.error =
            QStringLiteral("GET %1: %2%3")
                .arg(path, problems.first(),
                     problems.size() > 1 ? QStringLiteral(" (and %1 more)").arg(problems.size() - 1)
                                         : QString());
    return answer;
}

} // namespace launchdeck::kube
