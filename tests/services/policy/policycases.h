// The per-rule cases of the policy tests: for every rule, manifests that trigger it and near
// misses that must not. The expected line is the one marked "# <-".
#pragma once

#include "core/diagnostic.h"

#include <QByteArray>
#include <QList>
#include <QString>

struct PolicyCase
{
    QString rule;
    QString title;
    QByteArray yaml;
    bool triggers = false;
    launchdeck::Severity severity = launchdeck::Severity::Info; // when it triggers
};

// Collects cases: one that triggers a rule at a severity, or one that must stay clean.
struct CaseList
{
    QList<PolicyCase> cases;

    void trigger(const char* rule, launchdeck::Severity severity, const char* title,
                 const QByteArray& yaml)
    {
        cases.append({QString::fromLatin1(rule), QString::fromLatin1(title), yaml, true, severity});
    }
    void clean(const char* rule, const char* title, const QByteArray& yaml)
    {
        cases.append({QString::fromLatin1(rule), QString::fromLatin1(title), yaml, false, {}});
    }
};

// A hardened Deployment, its Service, PodDisruptionBudget and ServiceAccount: no findings at
// strict.
QByteArray hardenedSet();
// `base` with each `from` replaced by `to`; empty when some `from` is missing, so a stale case
// fails instead of silently testing the clean set.
QByteArray edited(const QByteArray& base, const QList<std::pair<QByteArray, QByteArray>>& edits);

QByteArray withAppSecurity(const QByteArray& lines); // replaces the app container's
QByteArray hostPathMount(const QByteArray& hostPath, bool marked);

QList<PolicyCase> semanticCases();
QList<PolicyCase> policyRuleCases();
const QList<PolicyCase>& policyCases(); // both

// Anchors in the hardened set that the cases edit.
inline const QByteArray kAppImage = "          image: registry.example.com/web:1.4.2\n";
inline const QByteArray kAppSecurity = "          securityContext:\n"
                                       "            allowPrivilegeEscalation: false\n"
                                       "            readOnlyRootFilesystem: true\n"
                                       "            capabilities:\n"
                                       "              drop: [ALL]\n"
                                       "---\napiVersion: v1\nkind: Service";
inline const QByteArray kPodSecurity = "      securityContext:\n"
                                       "        runAsNonRoot: true\n"
                                       "        runAsUser: 10001\n";
inline const QByteArray kAppPorts = "            - name: http\n              containerPort: 8080\n";
inline const QByteArray kAppEnv = "            - name: LOG_LEVEL\n              value: info\n";
inline const QByteArray kVolumes = "      volumes:\n        - name: tmp\n";
inline const QByteArray kMounts = "          volumeMounts:\n            - name: tmp\n";
inline const QByteArray kAffinity = "      affinity:\n        podAntiAffinity:\n";
inline const QByteArray kAppResources = "          resources:\n            requests:\n"
                                        "              cpu: 250m\n              memory: 128Mi\n"
                                        "            limits:\n              memory: 256Mi\n";
inline const QByteArray kServicePort = "      port: 80\n      targetPort: http\n";
inline const QByteArray kBudget =
    "  maxUnavailable: 1\n  unhealthyPodEvictionPolicy: AlwaysAllow\n";
inline const QByteArray kServiceAccountName = "      serviceAccountName: web\n";
