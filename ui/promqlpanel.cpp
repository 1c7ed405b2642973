// Asking and drawing one PromQL panel: one range query out at a time, the next armed when the
// answer arrives, so a slow server is never asked twice at once; nothing is asked while hidden.
#include "promqlpanel.h"

#include "metricschart.h"
#include "metricsunits.h"
#include "prometheus/prometheusserver.h"
#include "prometheus/querystep.h"

#include <QChart>
#include <QDateTime>
#include <QIODevice>
#include <QLineSeries>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace launchdeck {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

PromQlPanel::PromQlPanel(DashboardPanel spec, QWidget* parent)
    : QWidget(parent)
    , m_spec(std::move(spec))
    , m_chart(new MetricsChart(&m_series, m_spec.title, metricsUnitFromName(m_spec.unit), this))
    , m_next(new QTimer(this))
    , m_countdown(new QTimer(this))
    , m_query(m_spec.query)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_chart);
    setMinimumHeight(220);
    m_next->setSingleShot(true);
    m_countdown->setInterval(1000);
    connect(m_next, &QTimer::timeout, this, &PromQlPanel::refresh);
    connect(m_countdown, &QTimer::timeout, this, &PromQlPanel::updateCountdown);
}

PromQlPanel::~PromQlPanel() = default;

void PromQlPanel::setServer(prometheus::PrometheusServer* server, const QString& unavailable)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_serverConnections))
        disconnect(connection);
    m_serverConnections.clear();
    m_server = server;
    m_unavailable = unavailable;
    m_pending = 0;
    m_failing = false;
    m_refused = false;
    m_countdown->stop();
    if (server) {
        m_serverConnections.append(connect(server, &prometheus::PrometheusServer::queryAnswered,
                                           this, &PromQlPanel::onAnswer));
        m_serverConnections.append(connect(server, &prometheus::PrometheusServer::statusChanged,
                                           this, &PromQlPanel::onServerStatus));
        setStatus({});
    } else {
        setStatus(unavailable.isEmpty() ? tr("No Prometheus server") : unavailable);
    }
    m_stale = true;
    refresh();
}

void PromQlPanel::setQuery(const QString& query)
{
    if (query == m_query)
        return;
    m_query = query;
    m_series.clear();
    m_colours.clear();
    m_chart->setLines({});
    m_pending = 0; // its answer is for the query before
    m_refused = false;
    m_stale = true;
    refresh();
}

void PromQlPanel::setTitle(const QString& title)
{
    m_chart->chart()->setTitle(title);
}

void PromQlPanel::setWindowMs(qint64 window)
{
    if (window == m_windowMs)
        return;
    m_windowMs = std::max<qint64>(window, 1000);
    m_pending = 0;
    m_stale = true;
    redraw();
    // A paused panel still fills the window it was asked for, once.
    if (m_paused && isVisible() && m_server) {
        send();
        return;
    }
    refresh();
}

void PromQlPanel::setPaused(bool paused, qint64 atMs)
{
    m_paused = paused;
    m_pausedAtMs = atMs;
    if (paused) {
        m_next->stop();
        redraw();
        return;
    }
    refresh();
}

void PromQlPanel::setMarkers(const QList<MetricsMarker>& markers)
{
    m_chart->setChartMarkers(markers);
    redraw();
}

qint64 PromQlPanel::windowEnd() const
{
    return m_paused ? m_pausedAtMs : nowMs();
}

void PromQlPanel::refresh()
{
    if (!isVisible() || m_paused || !m_server || m_pending != 0 || m_query.isEmpty() || m_refused) {
        m_stale = true;
        return;
    }
    send();
}

void PromQlPanel::send()
{
    if (!m_server || m_query.isEmpty())
        return;
    m_next->stop();
    const int width = std::max(int(m_chart->chart()->plotArea().width()), 64);
    const double step = prometheus::chooseStep(std::chrono::milliseconds(m_windowMs), width, 1.0);
    const qint64 stepMs = std::max<qint64>(qint64(std::llround(step * 1000.0)), 1);
    // Ending now, not on the step's grid: with a coarse step the newest point would otherwise
    // be up to a step old.
    const qint64 end = windowEnd();
    const qint64 start = end - (m_windowMs / stepMs) * stepMs;
    m_lastQueryStep = step;
    m_lastQueryWindowMs = end - start;
    ++m_queries;
    m_stale = false;
    m_pending = m_server->queryRange(m_query, QDateTime::fromMSecsSinceEpoch(start, Qt::UTC),
                                     QDateTime::fromMSecsSinceEpoch(end, Qt::UTC), step);
}

void PromQlPanel::onAnswer(const prometheus::QueryAnswer& answer)
{
    if (answer.request != m_pending || m_pending == 0)
        return;
    m_pending = 0;
    ++m_answers;
    Q_EMIT answered(answer);
    const QString url = m_server ? m_server->endpoint().url : QString();
    if (!answer.error.isEmpty()) {
        if (!answer.position.errorType.isEmpty()) {
            // Prometheus answered and refused: the query is at fault, not the connection.
            m_failing = false;
            m_countdown->stop();
            const bool transient = answer.position.errorType == u"timeout" ||
                                   answer.position.errorType == u"canceled" ||
                                   answer.position.errorType == u"internal" ||
                                   answer.position.errorType == u"unavailable";
            m_refused = !transient;
            setStatus(tr("Prometheus at %1 refused the query: %2")
                          .arg(url, answer.position.message.isEmpty() ? answer.error
                                                                      : answer.position.message));
            if (transient)
                m_next->start(kRetryMs);
            return;
        }
        m_failing = true;
        m_failure = answer.reason.isEmpty() ? answer.error : answer.reason;
        m_retryAtMs = nowMs() + kRetryMs;
        updateCountdown();
        m_countdown->start();
        m_next->start(kRetryMs);
        return;
    }
    m_failing = false;
    m_countdown->stop();
    setStatus({});
    if (answer.result)
        m_series.setResult(*answer.result, m_spec.legend);
    m_lastStep = answer.stepSeconds;
    const QList<MetricsKey>& keys = m_series.keys();
    for (auto it = m_colours.begin(); it != m_colours.end();) {
        if (!keys.contains(MetricsKey{QString(), it.key()}))
            it = m_colours.erase(it);
        else
            ++it;
    }
    QList<MetricsLine> lines;
    for (const MetricsKey& key : keys)
        lines.append({key, MetricsField::Cpu, m_series.containerName(key),
                      colourFor(key.containerId), false});
    m_chart->setLines(lines);
    redraw();
    const double step = answer.stepSeconds > 0 ? answer.stepSeconds : m_lastQueryStep;
    m_next->start(std::max(1000, int(std::llround(step * 1000.0))));
}

QColor PromQlPanel::colourFor(const QString& series)
{
    const auto it = m_colours.constFind(series);
    if (it != m_colours.cend())
        return *it;
    // The least used colour, as the container charts choose.
    const QList<QColor>& palette = metricsPalette();
    QList<int> uses(palette.size(), 0);
    for (const QColor& colour : std::as_const(m_colours)) {
        const qsizetype index = palette.indexOf(colour);
        if (index >= 0)
            ++uses[index];
    }
    const QColor colour = palette[std::min_element(uses.cbegin(), uses.cend()) - uses.cbegin()];
    m_colours.insert(series, colour);
    return colour;
}

void PromQlPanel::onServerStatus(const prometheus::ServerStatus& status)
{
    // Back: ask at once rather than at the end of the panel's own wait.
    if (status.state == prometheus::ServerState::Connected && m_failing && m_pending == 0) {
        m_next->stop();
        refresh();
    }
}

void PromQlPanel::updateCountdown()
{
    if (!m_failing) {
        m_countdown->stop();
        return;
    }
    const qint64 seconds =
        std::max<qint64>(0, qint64(std::ceil(double(m_retryAtMs - nowMs()) / 1000.0)));
    const QString url = m_server ? m_server->endpoint().url : QString();
    setStatus(seconds > 0
                  ? tr("Prometheus at %1 is not answering: %2; retrying in %3 s")
                        .arg(url, m_failure)
                        .arg(seconds)
                  : tr("Prometheus at %1 is not answering: %2; retrying now").arg(url, m_failure));
}

void PromQlPanel::setStatus(const QString& text)
{
    if (text != m_chart->overlayText())
        m_chart->setOverlayText(text);
}

QString PromQlPanel::statusText() const
{
    return m_chart->overlayText();
}

void PromQlPanel::redraw()
{
    const qint64 end = windowEnd();
    m_drawnEndMs = end;
    m_chart->redraw(end - m_windowMs, end);
}

void PromQlPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    // Hidden, the panel asked nothing: catch up as soon as it is seen again.
    if (m_stale && !m_next->isActive())
        QTimer::singleShot(0, this, &PromQlPanel::refresh);
}

bool PromQlPanel::writeCsv(QIODevice* device) const
{
    return m_series.writeCsv(device, m_drawnEndMs - m_windowMs, m_drawnEndMs, m_spec.title);
}

} // namespace launchdeck
