// What Prometheus answers, decoded: series of (time, value) samples with their labels, scalars,
// the server's error envelope, and how the client reaches a server.
#pragma once

#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>
#include <vector>

namespace launchdeck::prometheus {

// Values keep NaN and ±Inf as Prometheus sent them ("NaN", "+Inf", "-Inf").
struct Sample
{
    double time = 0; // seconds since the epoch, as Prometheus gives it
    double value = 0;
};

using Labels = QMap<QString, QString>;

struct Series
{
    Labels labels; // __name__ included when Prometheus sends it
    std::vector<Sample> samples;
};

enum class ResultType { Scalar, Vector, Matrix, String };

struct QueryResult
{
    ResultType type = ResultType::Vector;
    QList<Series> series;         // vector (one sample each) and matrix
    std::optional<Sample> scalar; // scalar
    QString string;               // string
    QStringList warnings;         // the envelope's "warnings"
};

struct TargetHealth
{
    QString scrapePool;
    QString scrapeUrl;
    QString health; // "up", "down", "unknown"
    QString lastError;
    Labels labels;
};

struct MetricMetadata
{
    QString metric;
    QString type; // counter, gauge, histogram, summary, unknown
    QString help;
    QString unit;
};

// How to reach one server (Prometheus or Alertmanager): the secret is already resolved.
struct ServerEndpoint
{
    QString url; // base URL, e.g. http://127.0.0.1:9090 (a path prefix is kept)
    enum class Auth { None, Bearer, Basic };
    Auth auth = Auth::None;
    QString username;
    QString secret; // bearer token or password; never logged, never in a message
    QString caFile;
    QString certFile;
    QString keyFile;
    bool verifyTls = true;
    std::chrono::milliseconds timeout{10'000};
    qint64 maxAnswerBytes = 64ll * 1024 * 1024; // a larger answer is refused
};

// Prometheus's own limit on the points of one series in a range query.
inline constexpr int kMaxPointsPerSeries = 11'000;

} // namespace launchdeck::prometheus

Q_DECLARE_METATYPE(launchdeck::prometheus::QueryResult)
