// The selected object's details: the YAML and the Secret's keys come from the object the watch
// delivered; the Events are listed on the cluster's worker; the Drift renders the workspace's
// templates on a pool thread. Answers to superseded requests are dropped.
#include "clusterobjectdetails.h"

#include "clusteryaml.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubecolumns.h"
#include "syntaxhighlighting.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QStringDecoder>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextCursor>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>

namespace launchdeck {

namespace {

QPlainTextEdit* makeText(QWidget* parent)
{
    auto* text = new QPlainTextEdit(parent);
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return text;
}

QDateTime eventTime(const QJsonObject& event)
{
    for (const char16_t* field : {u"lastTimestamp", u"eventTime", u"firstTimestamp"}) {
        const QString text = event.value(QStringView(field)).toString();
        if (!text.isEmpty())
            return QDateTime::fromString(text, Qt::ISODateWithMs);
    }
    return QDateTime::fromString(event.value(u"metadata")[u"creationTimestamp"].toString(),
                                 Qt::ISODate);
}

// A Secret's value as text, or a note when it is not text.
QString decoded(const QString& base64)
{
    const auto bytes = QByteArray::fromBase64Encoding(base64.toLatin1());
    if (!bytes)
        return ClusterObjectDetails::tr("(not valid base64)");
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString text = utf8.decode(bytes.decoded);
    if (utf8.hasError() || text.contains(QChar(0)))
        return ClusterObjectDetails::tr("(%n byte(s) of binary data)", nullptr,
                                        int(bytes.decoded.size()));
    return text;
}

} // namespace

ClusterObjectDetails::ClusterObjectDetails(QWidget* parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget(this))
    , m_yaml(makeText(this))
    , m_managedFields(new QCheckBox(tr("Show mana&gedFields"), this))
    , m_events(new QTreeWidget(this))
    , m_eventsStatus(new QLabel(this))
    , m_refreshEvents(new QPushButton(tr("Re&load"), this))
    , m_environment(new QComboBox(this))
    , m_driftStatus(new QLabel(this))
    , m_diff(makeText(this))
    , m_dataPage(new QWidget(this))
    , m_secret(new QTableWidget(this))
{
    createYamlHighlighter(m_yaml->document());
    m_managedFields->setToolTip(tr("The record of which manager set which field, folded away "
                                   "because it is long and rarely what one looks for"));
    auto* yamlPage = new QWidget(this);
    auto* yamlLayout = new QVBoxLayout(yamlPage);
    yamlLayout->setContentsMargins(0, 2, 0, 0);
    yamlLayout->addWidget(m_managedFields);
    yamlLayout->addWidget(m_yaml, 1);

    m_events->setRootIsDecorated(false);
    m_events->setUniformRowHeights(true);
    m_events->setHeaderLabels(
        {tr("Type"), tr("Reason"), tr("Last Seen"), tr("Count"), tr("From"), tr("Message")});
    m_events->header()->setStretchLastSection(true);
    m_eventsStatus->setTextFormat(Qt::PlainText);
    m_eventsStatus->setWordWrap(true);
    auto* eventsTop = new QHBoxLayout;
    eventsTop->addWidget(m_eventsStatus, 1);
    eventsTop->addWidget(m_refreshEvents);
    auto* eventsPage = new QWidget(this);
    auto* eventsLayout = new QVBoxLayout(eventsPage);
    eventsLayout->setContentsMargins(0, 2, 0, 0);
    eventsLayout->addLayout(eventsTop);
    eventsLayout->addWidget(m_events, 1);

    m_driftStatus->setTextFormat(Qt::PlainText);
    m_driftStatus->setWordWrap(true);
    auto* environmentLabel = new QLabel(tr("Envir&onment:"), this);
    environmentLabel->setBuddy(m_environment);
    auto* driftTop = new QHBoxLayout;
    driftTop->addWidget(environmentLabel);
    driftTop->addWidget(m_environment);
    driftTop->addWidget(m_driftStatus, 1);
    auto* driftPage = new QWidget(this);
    auto* driftLayout = new QVBoxLayout(driftPage);
    driftLayout->setContentsMargins(0, 2, 0, 0);
    driftLayout->addLayout(driftTop);
    driftLayout->addWidget(m_diff, 1);

    m_secret->setColumnCount(3);
    m_secret->setHorizontalHeaderLabels({tr("Key"), tr("Value"), QString()});
    m_secret->verticalHeader()->hide();
    m_secret->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_secret->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    auto* dataLayout = new QVBoxLayout(m_dataPage);
    dataLayout->setContentsMargins(0, 2, 0, 0);
    auto* dataHint = new QLabel(tr("Values stay masked until revealed, one key at a time."), this);
    dataHint->setEnabled(false);
    dataLayout->addWidget(dataHint);
    dataLayout->addWidget(m_secret, 1);

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(yamlPage, tr("&YAML"));
    m_tabs->addTab(eventsPage, tr("Even&ts"));
    m_tabs->addTab(driftPage, tr("D&rift"));
    m_tabs->addTab(m_dataPage, tr("Dat&a"));
    m_tabs->setTabToolTip(2, tr("The live object beside what the workspace would apply"));
    m_tabs->setTabVisible(3, false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(m_secret, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() == 2)
            setRevealed(m_secret->item(item->row(), 0)->text(), item->checkState() == Qt::Checked);
    });
    connect(m_managedFields, &QCheckBox::toggled, this, &ClusterObjectDetails::updateYaml);
    connect(m_refreshEvents, &QPushButton::clicked, this, &ClusterObjectDetails::listEvents);
    connect(m_environment, &QComboBox::currentIndexChanged, this, [this] {
        m_driftStale = true;
        computeDrift();
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_driftStale)
            computeDrift();
    });
    showObject(nullptr);
}

void ClusterObjectDetails::setCluster(kube::KubeCluster* cluster, const DriftContext& drift)
{
    disconnect(m_listedConnection);
    m_cluster = cluster;
    m_drift = drift;
    m_eventsRequest = 0;
    {
        const QSignalBlocker blocker(m_environment);
        m_environment->clear();
        for (const DriftEnvironment& environment : drift.environments)
            m_environment->addItem(environment.name);
        m_environment->setEnabled(m_environment->count() > 1);
    }
    if (cluster) {
        m_listedConnection = connect(
            cluster, &kube::KubeCluster::listed, this,
            [this](quint64 request, const QList<kube::LiveObject>& objects, const QString& error) {
                if (request != m_eventsRequest)
                    return;
                m_eventsRequest = 0;
                m_events->clear();
                if (!error.isEmpty()) {
                    m_eventsStatus->setText(tr("Events could not be listed: %1").arg(error));
                    return;
                }
                QList<kube::LiveObject> sorted = objects;
                std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
                    return eventTime(a.json) < eventTime(b.json);
                });
                const QDateTime now = QDateTime::currentDateTimeUtc();
                for (const kube::LiveObject& event : std::as_const(sorted)) {
                    const QJsonObject& e = event.json;
                    const QDateTime at = eventTime(e);
                    QString from = e.value(u"source")[u"component"].toString();
                    if (from.isEmpty())
                        from = e.value(u"reportingComponent").toString();
                    auto* item = new QTreeWidgetItem(
                        m_events, {e.value(u"type").toString(), e.value(u"reason").toString(),
                                   at.isValid() ? kube::humanDuration(at.secsTo(now)) : QString(),
                                   QString::number(std::max(1, e.value(u"count").toInt(1))), from,
                                   e.value(u"message").toString()});
                    item->setToolTip(5, e.value(u"message").toString());
                }
                m_eventsStatus->setText(sorted.isEmpty()
                                            ? tr("No events for this object.")
                                            : tr("%n event(s)", nullptr, int(sorted.size())));
                Q_EMIT eventsListed(int(sorted.size()));
            });
    }
    showObject(nullptr);
}

void ClusterObjectDetails::showObject(const kube::LiveObject* object)
{
    const bool same = object && m_hasObject && object->kind == m_object.kind &&
                      object->key() == m_object.key() && object->uid == m_object.uid;
    if (same && object->resourceVersion == m_object.resourceVersion)
        return;
    // What was revealed stays so while the values stay the same.
    if (!same || object->json.value(u"data") != m_object.json.value(u"data"))
        m_revealed.clear();
    m_hasObject = object != nullptr;
    m_object = object ? *object : kube::LiveObject();
    setEnabled(m_hasObject);
    m_tabs->setTabVisible(3, m_object.kind == u"Secret");
    updateYaml();
    updateSecret();
    m_driftStale = true;
    if (!same) {
        m_events->clear();
        m_diff->clear();
        m_driftStatus->clear();
        listEvents();
    }
    computeDrift();
}

void ClusterObjectDetails::showPage(Page page)
{
    m_tabs->setCurrentIndex(static_cast<int>(page));
}

QString ClusterObjectDetails::yamlText() const
{
    return m_yaml->toPlainText();
}

QString ClusterObjectDetails::driftText() const
{
    return m_diff->toPlainText();
}

void ClusterObjectDetails::updateYaml()
{
    if (!m_hasObject) {
        m_yaml->clear();
        return;
    }
    QJsonObject json = clusteryaml::maskedSecret(m_object.json);
    if (!m_managedFields->isChecked())
        json = clusteryaml::withoutManagedFields(json);
    // A newer version of the same object keeps the reader's place.
    const int scroll = m_yaml->verticalScrollBar()->value();
    m_yaml->setPlainText(clusteryaml::toYaml(json));
    m_yaml->verticalScrollBar()->setValue(scroll);
}

void ClusterObjectDetails::listEvents()
{
    if (!m_hasObject || !m_cluster) {
        m_eventsStatus->setText(m_hasObject ? tr("No cluster.") : QString());
        return;
    }
    // The object's namespace is the list's (a cluster-scoped object's events may be in any);
    // the kind tells apart a Deployment and a Service of the same name.
    const QString selector =
        u"involvedObject.name=" + m_object.name + u",involvedObject.kind=" + m_object.kind;
    m_eventsStatus->setText(tr("Listing events…"));
    m_eventsRequest = m_cluster->list(QStringLiteral("Event"), m_object.nameSpace, {}, selector);
}

void ClusterObjectDetails::computeDrift()
{
    // Rendering the workspace is not free: only for the page on screen.
    if (!m_hasObject || m_tabs->currentIndex() != static_cast<int>(Page::Drift))
        return;
    m_driftStale = false;
    const quint64 generation = ++m_driftGeneration;
    const int index = m_environment->currentIndex();
    if (index < 0 || index >= m_drift.environments.size()) {
        m_diff->clear();
        m_driftStatus->setText(tr("Not in the workspace: none of its environments is on this "
                                  "cluster."));
        Q_EMIT driftComputed();
        return;
    }
    m_driftStatus->setText(tr("Rendering the workspace…"));
    const DriftContext context = m_drift;
    const DriftEnvironment environment = m_drift.environments.at(index);
    const QJsonObject live = m_object.json;
    QPointer<ClusterObjectDetails> self(this);
    QtConcurrent::run([context, environment, live] {
        return launchdeck::computeDrift(context.templateFiles, context.manifestFiles, {environment},
                                        live);
    }).then(this, [self, generation](const DriftResult& result) {
        if (self && generation == self->m_driftGeneration)
            self->showDrift(result);
    });
}

void ClusterObjectDetails::showDrift(const DriftResult& result)
{
    m_diff->clear();
    if (!result.found) {
        QString text = tr("Not in the workspace: no template or manifest for %1 sets %2 %3.")
                           .arg(m_environment->currentText(), m_object.kind, m_object.name);
        if (!result.problems.isEmpty())
            text += u' ' + tr("(Some files could not be read: %1)")
                               .arg(result.problems.join(QStringLiteral("; ")));
        m_driftStatus->setText(text);
        Q_EMIT driftComputed();
        return;
    }
    const QString source = QFileInfo(result.source).fileName();
    m_driftStatus->setText(
        result.hasDrift()
            ? tr("Drifted from %1 (%2): − what the workspace sets, + what "
                 "the cluster holds.")
                  .arg(source, result.environment)
            : tr("In step with %1 (%2) on every field it sets.").arg(source, result.environment));
    QTextCursor cursor(m_diff->document());
    QTextCharFormat plain;
    QTextCharFormat removed;
    removed.setBackground(QColor(0xff, 0xe0, 0xe0));
    removed.setForeground(QColor(0x8b, 0x00, 0x00));
    QTextCharFormat added;
    added.setBackground(QColor(0xe0, 0xf5, 0xe0));
    added.setForeground(QColor(0x00, 0x5a, 0x00));
    bool first = true;
    for (const clusteryaml::DiffLine& line : result.diff) {
        if (!first)
            cursor.insertBlock();
        first = false;
        switch (line.op) {
        case clusteryaml::DiffLine::Op::Same:
            cursor.insertText(u"  " + line.text, plain);
            break;
        case clusteryaml::DiffLine::Op::Removed:
            cursor.insertText(u"- " + line.text, removed);
            break;
        case clusteryaml::DiffLine::Op::Added:
            cursor.insertText(u"+ " + line.text, added);
            break;
        }
    }
    m_diff->moveCursor(QTextCursor::Start);
    Q_EMIT driftComputed();
}

void ClusterObjectDetails::updateSecret()
{
    const QSignalBlocker blocker(m_secret);
    m_secret->setRowCount(0);
    if (!m_hasObject || m_object.kind != u"Secret")
        return;
    const QJsonObject values = m_object.json.value(u"data").toObject();
    m_secret->setRowCount(int(values.size()));
    int row = 0;
    for (auto it = values.begin(); it != values.end(); ++it, ++row) {
        auto* key = new QTableWidgetItem(it.key());
        key->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        auto* value = new QTableWidgetItem;
        value->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        // A check box rather than a button: Space reveals the key under the cursor.
        auto* reveal = new QTableWidgetItem(tr("Reveal"));
        reveal->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        m_secret->setItem(row, 0, key);
        m_secret->setItem(row, 1, value);
        m_secret->setItem(row, 2, reveal);
        showSecretRow(row);
    }
    m_secret->resizeColumnToContents(0);
    m_secret->resizeColumnToContents(2);
}

void ClusterObjectDetails::showSecretRow(int row)
{
    const QString key = m_secret->item(row, 0)->text();
    const bool revealed = m_revealed.contains(key);
    const QSignalBlocker blocker(m_secret);
    m_secret->item(row, 1)->setText(revealed ? decoded(m_object.json.value(u"data")[key].toString())
                                             : clusteryaml::maskText());
    m_secret->item(row, 2)->setCheckState(revealed ? Qt::Checked : Qt::Unchecked);
    m_secret->item(row, 2)->setToolTip(revealed ? tr("Mask %1 again").arg(key)
                                                : tr("Show the value of %1").arg(key));
}

void ClusterObjectDetails::setRevealed(const QString& key, bool revealed)
{
    if (revealed)
        m_revealed.insert(key);
    else
        m_revealed.remove(key);
    for (int row = 0; row < m_secret->rowCount(); ++row)
        if (m_secret->item(row, 0)->text() == key)
            showSecretRow(row);
}

} // namespace launchdeck
