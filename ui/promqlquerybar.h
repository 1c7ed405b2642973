// The ad-hoc PromQL bar of the Dashboards view: a line edit whose completion offers metric
// names, label names inside `{…}` and label values after `label="`, fetched from the
// environment's Prometheus once and cached; Enter hands the query on, and an error Prometheus
// reports shows below the bar with a caret at its line and column.
#pragma once

#include <QHash>
#include <QPointer>
#include <QStringList>
#include <QWidget>

class QCompleter;
class QLabel;
class QLineEdit;
class QStringListModel;

namespace launchdeck {

namespace prometheus {
class PrometheusServer;
} // namespace prometheus

// Where the cursor is in a PromQL query, for completion.
struct PromQlCompletionContext
{
    enum class Kind { None, MetricName, LabelName, LabelValue };
    Kind kind = Kind::None;
    QString label;       // LabelValue: whose values
    QString prefix;      // what is typed of the word so far
    qsizetype start = 0; // where that word starts
};
PromQlCompletionContext promQlCompletionContext(const QString& text, qsizetype cursor);

class PromQlQueryBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromQlQueryBar)

public:
    explicit PromQlQueryBar(QWidget* parent = nullptr);
    ~PromQlQueryBar() override;

    // The server completion asks (not owned); a new one forgets what was cached.
    void setServer(prometheus::PrometheusServer* server);

    // Shows Prometheus's error for `query`: the message, and when Prometheus named a line
    // and column (1-based), that line of the query with a caret under the column.
    void showError(const QString& query, const QString& message, int line, int column);
    void clearError();
    QString errorText() const;

    QLineEdit* edit() const { return m_edit; }
    QCompleter* completer() const { return m_completer; }
    QLabel* errorLabel() const { return m_error; }
    // What completion would offer now, the popup aside (the tests' view of it).
    QStringList completions() const;

    // Completes at the cursor as typing does.
    void complete();

Q_SIGNALS:
    void submitted(const QString& query);

private:
    static QString cacheKey(const PromQlCompletionContext& context);
    void offer(const PromQlCompletionContext& context, const QStringList& names);
    void insertCompletion(const QString& completion);
    void onNames(quint64 request, const QStringList& names, const QString& error);

    QLineEdit* m_edit;
    QCompleter* m_completer;
    QStringListModel* m_model;
    QLabel* m_error;
    QPointer<prometheus::PrometheusServer> m_server;
    QMetaObject::Connection m_serverConnection;
    QHash<QString, QStringList> m_cache; // "metrics", "labels", "values:<label>"
    QHash<quint64, QString> m_asked;     // request → cache key
    PromQlCompletionContext m_context;   // where the last completion was offered
};

} // namespace launchdeck
