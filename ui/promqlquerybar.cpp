// Completion in a PromQL line: the word under the cursor is read as a metric, a label name or a
// label value from the braces and quotes before it; the server's names for it are asked once
// and kept.
#include "promqlquerybar.h"

#include "prometheus/prometheusserver.h"
#include "standardicon.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStringListModel>
#include <QVBoxLayout>

#include <algorithm>

namespace launchdeck {

namespace {

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u':';
}

const QString kMetrics = QStringLiteral("metrics");
const QString kLabels = QStringLiteral("labels");

} // namespace

PromQlCompletionContext promQlCompletionContext(const QString& text, qsizetype cursor)
{
    cursor = std::clamp<qsizetype>(cursor, 0, text.size());
    bool inBraces = false;
    QChar quote;
    qsizetype quoteStart = -1;
    for (qsizetype i = 0; i < cursor; ++i) {
        const QChar c = text[i];
        if (!quote.isNull()) {
            if (c == u'\\' && quote != u'`')
                ++i;
            else if (c == quote)
                quote = QChar();
            continue;
        }
        if (c == u'"' || c == u'\'' || c == u'`') {
            quote = c;
            quoteStart = i;
        } else if (c == u'{') {
            inBraces = true;
        } else if (c == u'}') {
            inBraces = false;
        } else if (c == u'#') {
            return {}; // a comment to the end of the line
        }
    }
    PromQlCompletionContext context;
    if (!quote.isNull()) {
        if (!inBraces)
            return {};
        // label="… , label=~"… : the label is the name before the operator.
        static const QRegularExpression matcher(
            QStringLiteral(R"(([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*$)"));
        const QRegularExpressionMatch match = matcher.match(text.left(quoteStart));
        if (!match.hasMatch())
            return {};
        context.kind = PromQlCompletionContext::Kind::LabelValue;
        context.label = match.captured(1);
        context.start = quoteStart + 1;
        context.prefix = text.mid(context.start, cursor - context.start);
        return context;
    }
    qsizetype start = cursor;
    while (start > 0 && isNameChar(text[start - 1]))
        --start;
    context.start = start;
    context.prefix = text.mid(start, cursor - start);
    if (inBraces) {
        // A label name follows '{' or ','; after an operator comes a value, not a name.
        qsizetype before = start;
        while (before > 0 && text[before - 1].isSpace())
            --before;
        if (before > 0 && text[before - 1] != u'{' && text[before - 1] != u',')
            return {};
        context.kind = PromQlCompletionContext::Kind::LabelName;
        return context;
    }
    if (context.prefix.isEmpty() || context.prefix[0].isDigit())
        return {};
    context.kind = PromQlCompletionContext::Kind::MetricName;
    return context;
}

PromQlQueryBar::PromQlQueryBar(QWidget* parent)
    : QWidget(parent)
    , m_edit(new QLineEdit(this))
    , m_completer(new QCompleter(this))
    , m_model(new QStringListModel(this))
    , m_error(new QLabel(this))
{
    m_edit->setPlaceholderText(tr("PromQL query, e.g. rate(http_requests_total[1m]) — Enter "
                                  "draws it"));
    enableClearButtonWhenShown(m_edit);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_completer->setModel(m_model);
    m_completer->setWidget(m_edit);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseSensitive);
    m_completer->setMaxVisibleItems(12);
    m_error->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_error->setWordWrap(false);
    m_error->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);

    connect(m_edit, &QLineEdit::textEdited, this, &PromQlQueryBar::complete);
    connect(m_edit, &QLineEdit::returnPressed, this, [this] {
        if (m_completer->popup()->isVisible())
            return;
        Q_EMIT submitted(m_edit->text().trimmed());
    });
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this,
            &PromQlQueryBar::insertCompletion);
}

PromQlQueryBar::~PromQlQueryBar() = default;

void PromQlQueryBar::setServer(prometheus::PrometheusServer* server)
{
    if (server == m_server)
        return;
    disconnect(m_serverConnection);
    m_server = server;
    m_cache.clear();
    m_asked.clear();
    if (server)
        m_serverConnection = connect(server, &prometheus::PrometheusServer::namesAnswered, this,
                                     &PromQlQueryBar::onNames);
}

QString PromQlQueryBar::cacheKey(const PromQlCompletionContext& context)
{
    switch (context.kind) {
    case PromQlCompletionContext::Kind::MetricName:
        return kMetrics;
    case PromQlCompletionContext::Kind::LabelName:
        return kLabels;
    case PromQlCompletionContext::Kind::LabelValue:
        return QStringLiteral("values:") + context.label;
    case PromQlCompletionContext::Kind::None:
        break;
    }
    return {};
}

void PromQlQueryBar::complete()
{
    const PromQlCompletionContext context =
        promQlCompletionContext(m_edit->text(), m_edit->cursorPosition());
    m_context = context;
    const QString key = cacheKey(context);
    if (key.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    const auto cached = m_cache.constFind(key);
    if (cached != m_cache.cend()) {
        offer(context, *cached);
        return;
    }
    if (!m_server)
        return;
    for (const QString& asked : std::as_const(m_asked)) {
        if (asked == key)
            return; // the answer offers it
    }
    const quint64 request =
        context.kind == PromQlCompletionContext::Kind::LabelName
            ? m_server->labels()
            : m_server->labelValues(context.kind == PromQlCompletionContext::Kind::MetricName
                                        ? QStringLiteral("__name__")
                                        : context.label);
    m_asked.insert(request, key);
}

void PromQlQueryBar::onNames(quint64 request, const QStringList& names, const QString& error)
{
    const QString key = m_asked.take(request);
    if (key.isEmpty())
        return;
    // A failure is not cached: the next keystroke asks again.
    if (!error.isEmpty())
        return;
    m_cache.insert(key, names);
    if (cacheKey(m_context) == key)
        offer(m_context, names);
}

void PromQlQueryBar::offer(const PromQlCompletionContext& context, const QStringList& names)
{
    if (m_model->stringList() != names)
        m_model->setStringList(names);
    m_completer->setCompletionPrefix(context.prefix);
    if (m_completer->completionCount() == 0 ||
        (m_completer->completionCount() == 1 &&
         m_completer->currentCompletion() == context.prefix)) {
        m_completer->popup()->hide();
        return;
    }
    // Typing elsewhere (the answer came late) leaves the popup closed.
    if (!m_edit->hasFocus())
        return;
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    // Under the word being completed (the line edit's own cursor rectangle is not public).
    const int x =
        std::min(m_edit->fontMetrics().horizontalAdvance(m_edit->text().left(context.start)) + 6,
                 std::max(0, m_edit->width() - 240));
    QRect rect(x, 0, 0, m_edit->height());
    rect.setWidth(std::max(m_completer->popup()->sizeHintForColumn(0) +
                               m_completer->popup()->verticalScrollBar()->sizeHint().width(),
                           240));
    m_completer->complete(rect);
}

QStringList PromQlQueryBar::completions() const
{
    QStringList list;
    const QAbstractItemModel* model = m_completer->completionModel();
    for (int row = 0; row < model->rowCount(); ++row)
        list.append(model->index(row, 0).data().toString());
    return list;
}

void PromQlQueryBar::insertCompletion(const QString& completion)
{
    const QString text = m_edit->text();
    const qsizetype cursor = m_edit->cursorPosition();
    const qsizetype start = std::min(m_context.start, cursor);
    m_edit->setText(text.left(start) + completion + text.mid(cursor));
    m_edit->setCursorPosition(int(start + completion.size()));
}

void PromQlQueryBar::showError(const QString& query, const QString& message, int line, int column)
{
    QString text = message;
    const QStringList lines = query.split(u'\n');
    if (line >= 1 && line <= lines.size() && column >= 1) {
        const QString& shown = lines[line - 1];
        text += u'\n' + shown + u'\n' +
                QString(std::min<qsizetype>(column - 1, shown.size()), u' ') + u'^';
    }
    m_error->setText(text);
    m_error->show();
}

void PromQlQueryBar::clearError()
{
    m_error->clear();
    m_error->hide();
}

QString PromQlQueryBar::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

} // namespace launchdeck
