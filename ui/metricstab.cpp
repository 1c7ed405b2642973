// The tab's layout and its clock: a one-second timer redraws the picked containers' windows
// (skipped while hidden or paused) and counts down the hosts' next retry in the overlay.
#include "metricstab.h"

#include "docker/dockerhost.h"
#include "metricschart.h"
#include "metricspicker.h"

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
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace launchdeck {

namespace {

const QColor kPalette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
                           QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
                           QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                           QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f),
                           QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf)};

} // namespace

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
    , m_timer(new QTimer(this))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_windowBox->addItem(tr("1 m"), kWindows[0]);
    m_windowBox->addItem(tr("5 m"), kWindows[1]);
    m_windowBox->addItem(tr("15 m"), kWindows[2]);
    m_windowBox->addItem(tr("1 h"), kWindows[3]);
    m_windowBox->setCurrentIndex(1);
    m_pause->setCheckable(true);
    auto* exportPngButton = new QPushButton(tr("Export P&NG…"), this);
    auto* exportCsvButton = new QPushButton(tr("Export &CSV…"), this);
    auto* windowLabel = new QLabel(tr("&Window:"), this);
    windowLabel->setBuddy(m_windowBox);

    auto* bar = new QHBoxLayout;
    bar->addWidget(windowLabel);
    bar->addWidget(m_windowBox);
    bar->addWidget(m_pause);
    bar->addStretch(1);
    bar->addWidget(exportPngButton);
    bar->addWidget(exportCsvButton);

    auto* chartsPane = new QWidget(this);
    auto* chartsLayout = new QVBoxLayout(chartsPane);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    for (MetricsChart* chart : charts()) {
        // The three charts redraw together and share one frame's worth of points.
        chart->setPointBudget(kPointBudget / 3);
        chartsLayout->addWidget(chart, 1);
    }

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_picker);
    splitter->addWidget(chartsPane);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({240, 960});

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
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
    connect(m_store, &MetricsStore::containersChanged, this, &MetricsTab::applyPicked);
    connect(m_timer, &QTimer::timeout, this, &MetricsTab::onTick);
    m_timer->start(kRedrawIntervalMs);
    applyPicked();
}

MetricsTab::~MetricsTab()
{
    for (const QMetaObject::Connection& connection : std::as_const(m_hostConnections))
        disconnect(connection);
}

void MetricsTab::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
}

void MetricsTab::setWindowMs(qint64 window)
{
    m_windowMs = std::max<qint64>(window, 1000);
    const int index = m_windowBox->findData(m_windowMs);
    if (index >= 0 && index != m_windowBox->currentIndex())
        m_windowBox->setCurrentIndex(index);
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
    redraw();
}

QColor MetricsTab::colourFor(const MetricsKey& key)
{
    const auto it = m_colours.constFind(key);
    if (it != m_colours.cend())
        return *it;
    // The least used colour among those in use, so lines stay apart as containers come and go.
    int uses[std::size(kPalette)] = {};
    for (const QColor& colour : std::as_const(m_colours)) {
        for (std::size_t i = 0; i < std::size(kPalette); ++i) {
            if (kPalette[i] == colour)
                ++uses[i];
        }
    }
    const std::size_t least =
        std::size_t(std::min_element(std::begin(uses), std::end(uses)) - std::begin(uses));
    m_colours.insert(key, kPalette[least]);
    return kPalette[least];
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
        network.append({key, MetricsField::NetRx, name % QStringLiteral(" rx"), colour, false});
        network.append({key, MetricsField::NetTx, name % QStringLiteral(" tx"), colour, true});
    }
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
    if (m_paused || !isVisible())
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
