// The live log of one container: follows its log stream from a chosen tail, tells stderr from
// stdout, masks secrets, and picks up where it was when the host comes back.
#pragma once

#include "dockerlogfeed.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QTimer;
class QToolButton;

namespace launchdeck {

class DockerHost;
class DockerStream;
class LogModel;
class LogView;
struct DockerContainer;
struct DockerHostStatus;
struct DockerLogLine;

class ContainerLogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContainerLogView)

public:
    // Lines held at most; older ones leave the view as new ones arrive.
    static constexpr qsizetype kCapacity = 200'000;
    static constexpr int kDefaultTail = 1000;

    // `host` is not owned and must outlive the view.
    ContainerLogView(DockerHost* host, const QString& containerId, const QString& containerName,
                     QWidget* parent = nullptr);
    // Ends the stream.
    ~ContainerLogView() override;

    const QString& containerId() const { return m_containerId; }
    LogModel* model() const { return m_model; }
    LogView* logView() const { return m_view; }
    QComboBox* tailChoice() const { return m_tailChoice; }
    QComboBox* streamChoice() const { return m_streamChoice; }
    QLabel* statusLine() const { return m_status; }

    // Lines from the end of the log to start with, -1 for all; reopens the stream.
    void setTail(int lines);
    int tail() const { return m_tail; }
    // Asks the daemon for each line's time; reopens the stream.
    void setTimestamps(bool on);
    bool timestamps() const { return m_timestamps; }
    // Values to mask besides the container's secret-looking environment. Reopens the stream,
    // so lines already on screen are read again masked.
    void setMaskedValues(const QStringList& values);
    // Whether the log is being followed now.
    bool isStreaming() const { return m_phase == Phase::Streaming; }
    // Whether the container runs with a terminal, i.e. its log is one raw stream.
    bool isTty() const { return m_tty; }
    // Empties the view; the stream goes on.
    void clear();
    // Reads the log again from the tail.
    void reload();

Q_SIGNALS:
    // The stream ended by itself: `error` is empty when the container exited.
    void streamEnded(const QString& error);

private:
    enum class Phase {
        WaitingForHost, // the host is not connected
        Inspecting,     // reading Config.Env and Config.Tty before opening the stream
        Streaming,
        Ended,   // the container exited; a restart resumes the log
        Lost,    // the stream or the inspection failed; retried with backoff
        Removed, // the container is gone for good
    };

    void buildLayout();
    void inspect();
    void onInspected(quint64 request, const QJsonObject& inspect, const QString& error);
    void onHostStatus(const DockerHostStatus& status);
    void onContainersChanged(const QList<DockerContainer>& containers);
    // Opens the stream; `resume` continues after the lines shown instead of from the tail.
    void openStream(bool resume);
    void onLines(const QList<DockerLogLine>& lines);
    void onFinished(const QString& error);
    void scheduleRetry(const QString& why);
    // Reopens from the tail after a change of options, once the container is known.
    void restartStream();
    void applyMasks();
    void setStatus(const QString& text);

    DockerHost* m_host;
    QString m_containerId;
    QString m_containerName;

    LogModel* m_model;
    LogView* m_view;
    QComboBox* m_tailChoice;
    QComboBox* m_streamChoice;
    QToolButton* m_clear;
    QLabel* m_status;
    QTimer* m_retry;

    DockerLogFeed m_feed;
    std::unique_ptr<DockerStream> m_stream;
    Phase m_phase = Phase::WaitingForHost;
    // Answers to other requests and signals of replaced streams are ignored by these.
    quint64 m_inspectRequest = 0;
    quint64 m_generation = 0;
    bool m_inspected = false;
    bool m_opened = false; // a stream was opened since the last fresh start
    bool m_tty = false;
    int m_tail = kDefaultTail;
    bool m_timestamps = false;
    int m_retryDelayMs = 0;
    QStringList m_envSecrets;
    QStringList m_extraSecrets;
};

} // namespace launchdeck
