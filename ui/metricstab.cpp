// The tab's layout and its clock: a one-second timer redraws the picked containers' windows
// (skipped while hidden or paused) and counts down the hosts' next retry in the overlay.
#include "metricstab.h"

#include "dashboardsview.h"
#include "docker/dockerhost.h"
#include "metricschart.h"
#include "metricspicker.h"
#include "podmetricssource.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace launchdeck {

MetricsTab::MetricsTab(MetricsStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_picker(new MetricsPicker(store, this))
    , m_cpu(new MetricsChart(store, tr("CPU"), MetricsUnit::Percent, this))
    , m_memory(new MetricsChart(store, tr("Memory"), MetricsUnit::Bytes, this))
    , m_network(new MetricsChart(store, tr("Network (rx solid, tx dashed)"),
                                 MetricsUnit::BytesPerSecond, this))
    , m_windowBox(new QComboBox(this))
    , m_pause(new QPushButton(tr("&Pause"), this))
    , m_exportPng(new QPushButton(tr("Export P&NG…"), this))
    , m_exportCsv(new QPushButton(tr("Export &CSV…"), this))
    , m_viewButtons(new QHBoxLayout)
    , m_viewGroup(new QButtonGroup(this))
    , m_views(new QStackedWidget(this))
    , m_containersView(new QWidget(this))
    , m_dashboards(new DashboardsView(this))
    , m_timer(new QTimer(this))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_pods(new PodMetricsSource(store, this))
{
    m_windowBox->addItem(tr("1 m"), kWindows[0]);
    m_windowBox->addItem(tr("5 m"), kWindows[1]);
    m_windowBox->addItem(tr("15 m"), kWindows[2]);
    m_windowBox->addItem(tr("1 h"), kWindows[3]);
    m_windowBox->setCurrentIndex(1);
    m_pause->setCheckable(true);
    QPushButton* const exportPngButton = m_exportPng;
    QPushButton* const exportCsvButton = m_exportCsv;
    m_viewButtons->setSpacing(0);
    m_viewGroup->setExclusive(true);
    auto* windowLabel = new QLabel(tr("&Window:"), this);
    windowLabel->setBuddy(m_windowBox);
    m_chartControls = {windowLabel, m_windowBox, m_pause, exportPngButton, exportCsvButton};

    auto* bar = new QHBoxLayout;
    // The views as segmented buttons left of the bar: before the window box in reading order,
    // so Tab from the window box still walks the bar and then the containers.
    bar->addLayout(m_viewButtons);
    bar->addSpacing(16);
    bar->addWidget(windowLabel);
    bar->addWidget(m_windowBox);
    bar->addWidget(m_pause);
    bar->addStretch(1);
    bar->addWidget(exportPngButton);
    bar->addWidget(exportCsvButton);

    auto* chartsPane = new QWidget(this);
    auto* chartsLayout = new QVBoxLayout(chartsPane);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    for (MetricsChart* chart : charts())
        chartsLayout->addWidget(chart, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, m_containersView);
    splitter->addWidget(m_picker);
    splitter->addWidget(chartsPane);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({240, 960});
    auto* containersLayout = new QVBoxLayout(m_containersView);
    containersLayout->setContentsMargins(0, 0, 0, 0);
    containersLayout->addWidget(splitter);
    addView(m_containersView, tr("Containers"));
    addView(m_dashboards, tr("Dashboards"));
    m_dashboards->setWindowMs(m_windowMs);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_views, 1);
    // Tab follows the screen: the bar, then the containers (created first, as the charts and
    // the bar follow the picker).
    QWidget* const order[] = {
        m_windowBox,     m_pause, exportPngButton, exportCsvButton, m_picker->filterField(),
        m_picker->view()};
    for (std::size_t i = 1; i < std::size(order); ++i)
        setTabOrder(order[i - 1], order[i]);

    connect(m_windowBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setWindowMs(m_windowBox->itemData(index).toLongLong()); });
    connect(m_pause, &QPushButton::toggled, this, &MetricsTab::setPaused);
    connect(exportPngButton, &QPushButton::clicked, this, &MetricsTab::chooseExportPng);
    connect(exportCsvButton, &QPushButton::clicked, this, &MetricsTab::chooseExportCsv);
    connect(m_picker, &MetricsPicker::pickedChanged, this, &MetricsTab::applyPicked);
    connect(m_views, &QStackedWidget::currentChanged, this, &MetricsTab::updateExports);
    connect(m_store, &MetricsStore::containersChanged, this, &MetricsTab::applyPicked);
    connect(m_timer, &QTimer::timeout, this, &MetricsTab::onTick);
    connect(m_pods, &PodMetricsSource::noteChanged, m_picker, &MetricsPicker::setHostMessage);
    m_timer->start(kRedrawIntervalMs);
    applyPicked();
}

void MetricsTab::addView(QWidget* view, const QString& title)
{
    auto* button = new QToolButton(this);
    button->setText(title);
    button->setCheckable(true);
    button->setAutoRaise(false);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setObjectName(QStringLiteral("view:") + title);
    m_viewGroup->addButton(button);
    m_viewButtons->addWidget(button);
    m_views->addWidget(view);
    // Ctrl and the view's place: the titles' letters are taken by the bar's own keys.
    if (m_views->count() <= 9) {
        const QKeySequence key(Qt::CTRL | Qt::Key(Qt::Key_0 + m_views->count()));
        button->setShortcut(key);
        button->setToolTip(tr("%1 (%2)").arg(title, key.toString(QKeySequence::NativeText)));
    }
    button->setChecked(m_views->count() == 1);
    connect(button, &QToolButton::toggled, this, [this, view](bool checked) {
        if (checked)
            m_views->setCurrentWidget(view);
    });
    connect(view, &QObject::destroyed, button, &QObject::deleteLater);
}

void MetricsTab::showView(QWidget* view)
{
    const int index = m_views->indexOf(view);
    if (index < 0)
        return;
    // The buttons are in the views' order.
    if (QAbstractButton* button = m_viewGroup->buttons().value(index))
        button->setChecked(true);
}

QWidget* MetricsTab::currentView() const
{
    return m_views->currentWidget();
}

void MetricsTab::updateExports()
{
    // The window, pause and exports are the charts'; other views (Alerts) have no use for them.
    const bool charts = currentView() == m_containersView || currentView() == m_dashboards;
    for (QWidget* control : std::as_const(m_chartControls))
        control->setVisible(charts);
    m_pods->setActive(m_containersView->isVisible());
    // The containers' charts missed the seconds they were hidden.
    if (currentView() == m_containersView)
        redraw();
}

MetricsTab::~MetricsTab()
{
    for (const QMetaObject::Connection& connection : std::as_const(m_hostConnections))
        disconnect(connection);
    for (const QMetaObject::Connection& connection : std::as_const(m_clusterConnections))
        disconnect(connection);
}

void MetricsTab::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
}

void MetricsTab::setWindowMs(qint64 window)
{
    m_windowMs = std::max<qint64>(window, 1000);
    m_dashboards->setWindowMs(m_windowMs);
    const int index = m_windowBox->findData(m_windowMs);
    if (index >= 0 && index != m_windowBox->currentIndex()) {
        // The box's signal comes back here and redraws; a second redraw would read nothing new.
        m_windowBox->setCurrentIndex(index);
        return;
    }
    redraw();
}

void MetricsTab::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_pausedAtMs = now();
    m_paused = paused;
    if (m_pause->isChecked() != paused)
        m_pause->setChecked(paused);
    m_pause->setText(paused ? tr("&Resume") : tr("&Pause"));
    m_dashboards->setPaused(paused, m_pausedAtMs);
    redraw();
}

QColor MetricsTab::colourFor(const MetricsKey& key)
{
    const auto it = m_colours.constFind(key);
    if (it != m_colours.cend())
        return *it;
    // The least used colour among those in use, so lines stay apart as containers come and go.
    const QList<QColor>& palette = metricsPalette();
    QList<int> uses(palette.size(), 0);
    for (const QColor& colour : std::as_const(m_colours)) {
        for (qsizetype i = 0; i < palette.size(); ++i) {
            if (palette[i] == colour)
                ++uses[i];
        }
    }
    const qsizetype least = std::min_element(uses.cbegin(), uses.cend()) - uses.cbegin();
    m_colours.insert(key, palette[least]);
    return palette[least];
}

void MetricsTab::applyPicked()
{
    const QList<MetricsKey> picked = m_picker->picked();
    QSet<QString> hosts;
    for (const MetricsKey& key : picked)
        hosts.insert(key.host);
    for (auto it = m_colours.begin(); it != m_colours.end();) {
        if (picked.contains(it.key()))
            ++it;
        else
            it = m_colours.erase(it);
    }
    QList<MetricsLine> cpu, memory, network;
    for (const MetricsKey& key : picked) {
        const QString container = m_store->containerName(key);
        const QString name = hosts.size() > 1 ? key.host % u'/' % container : container;
        const QColor colour = colourFor(key);
        cpu.append({key, MetricsField::Cpu, name, colour, false});
        memory.append({key, MetricsField::Memory, name, colour, false});
        // metrics.k8s.io has no network figures: a pod would only add a line at zero.
        if (PodMetricsSource::isPodKey(key))
            continue;
        network.append({key, MetricsField::NetRx, name % QStringLiteral(" rx"), colour, false});
        network.append({key, MetricsField::NetTx, name % QStringLiteral(" tx"), colour, true});
    }
    m_dashboards->setContainer(picked.isEmpty() ? QString()
                                                : m_store->containerName(picked.first()));
    m_cpu->setLines(cpu);
    m_memory->setLines(memory);
    m_network->setLines(network);
    redraw();
}

void MetricsTab::redraw()
{
    const qint64 end = windowEnd();
    for (MetricsChart* chart : charts())
        chart->redraw(end - m_windowMs, end, m_decimate);
}

void MetricsTab::onTick()
{
    updateOverlay();
    // The clusters' metrics are read while someone can see them.
    m_pods->setActive(m_containersView->isVisible());
    if (m_paused || !m_containersView->isVisible())
        return;
    redraw();
}

void MetricsTab::setHostStatus(const QString& host, const DockerHostStatus& status)
{
    m_hosts[host] = {status.state, status.attempt, now() + status.retryInMs};
    QString state;
    if (status.state == DockerConnectionState::Connecting)
        state = tr("connecting");
    else if (status.state == DockerConnectionState::Disconnected)
        state = tr("disconnected");
    m_picker->setHostState(host, state);
    updateOverlay();
}

void MetricsTab::updateOverlay()
{
    QStringList lines;
    for (auto it = m_hosts.cbegin(); it != m_hosts.cend(); ++it) {
        if (it->state == DockerConnectionState::Connected)
            continue;
        if (it->state == DockerConnectionState::Connecting) {
            lines.append(tr("%1: connecting…").arg(it.key()));
            continue;
        }
        const qint64 seconds = qint64(std::ceil(double(it->retryAtMs - now()) / 1000.0));
        lines.append(seconds > 0
                         ? tr("%1: disconnected — retry %2 in %3 s")
                               .arg(it.key())
                               .arg(it->attempt)
                               .arg(seconds)
                         : tr("%1: disconnected — retry %2 now").arg(it.key()).arg(it->attempt));
    }
    const QString text = lines.join(u'\n');
    if (text == m_overlay)
        return;
    m_overlay = text;
    for (MetricsChart* chart : charts())
        chart->setOverlayText(text);
}

QString MetricsTab::overlayText() const
{
    return m_overlay;
}

bool MetricsTab::exportPng(const QString& path)
{
    if (currentView() == m_dashboards)
        return m_dashboards->exportPng(path);
    int width = 0;
    int height = 0;
    for (MetricsChart* chart : charts()) {
        width = std::max(width, chart->width());
        height += chart->height();
    }
    if (width <= 0 || height <= 0)
        return false;
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        int y = 0;
        for (MetricsChart* chart : charts()) {
            // The widget as shown; QGraphicsView::render would draw the bare scene.
            chart->QWidget::render(&painter, QPoint(0, y));
            y += chart->height();
        }
    }
    return image.save(path, "PNG");
}

bool MetricsTab::exportCsv(const QString& path)
{
    if (currentView() == m_dashboards)
        return m_dashboards->exportCsv(path);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const qint64 end = windowEnd();
    if (!m_store->exportCsv(&file, m_picker->picked(), end - m_windowMs, end))
        return false;
    return file.commit();
}

void MetricsTab::chooseExportPng()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export charts"), QString(),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty() && !exportPng(path))
        QMessageBox::warning(this, tr("Export charts"), tr("Could not write %1.").arg(path));
}

void MetricsTab::chooseExportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export samples"), QString(),
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !exportCsv(path))
        QMessageBox::warning(this, tr("Export samples"), tr("Could not write %1.").arg(path));
}

} // namespace launchdeck
