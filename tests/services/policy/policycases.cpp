// Manifests for every Kubernetes rule: one edit of a hardened set that triggers the rule, one
// near miss that must not.
#include "policycases.h"

using launchdeck::Severity;

QByteArray hardenedSet()
{
    return R"(apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      serviceAccountName: web
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app: web
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      initContainers:
        - name: migrate
          image: registry.example.com/web-migrate:1.4.2
          env:
            - name: LOG_LEVEL
              value: debug
          resources:
            requests:
              cpu: 100m
            limits:
              memory: 64Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: web-db
                  key: password
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /health
              port: 8080
          volumeMounts:
            - name: tmp
              mountPath: /tmp
          resources:
            requests:
              cpu: 250m
              memory: 128Mi
            limits:
              memory: 256Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      app: web
)";
}

QByteArray edited(const QByteArray& base, const QList<std::pair<QByteArray, QByteArray>>& edits)
{
    QByteArray result = base;
    for (const auto& [from, to] : edits) {
        if (!result.contains(from))
            return {};
        result.replace(from, to);
    }
    return result;
}

QByteArray withAppSecurity(const QByteArray& lines)
{
    return edited(hardenedSet(), {{kAppSecurity, "          securityContext:\n" + lines +
                                                     "---\napiVersion: v1\nkind: Service"}});
}

QByteArray hostPathMount(const QByteArray& hostPath, bool marked)
{
    return edited(hardenedSet(),
                  {{kVolumes, kVolumes.left(kVolumes.indexOf("        - name: tmp")) +
                                  "        - name: host\n          hostPath:\n            path: " +
                                  hostPath + "\n        - name: tmp\n"},
                   {kMounts, "          volumeMounts:\n            - name: host" +
                                 QByteArray(marked ? " # <-" : "") +
                                 "\n"
                                 "              mountPath: /host\n            - name: tmp\n"}});
}

QList<PolicyCase> semanticCases()
{
    const QByteArray set = hardenedSet();
    CaseList c;

    // Semantic rules
    // The API server's refusal, at the template's labels as the API server names them.
    c.trigger("mismatching-selector", Severity::High, "selector differs from labels",
              edited(set, {{"    matchLabels:\n      app: web\n  template",
                            "    matchLabels:\n      app: web-v2\n  template"},
                           {"      labels:\n        app: web\n        tier: front\n",
                            "      labels:\n        app: web # <-\n        tier: front\n"}}));
    c.clean("mismatching-selector", "matchExpressions that match",
            edited(set, {{"    matchLabels:\n      app: web\n  template",
                          "    matchExpressions:\n      - {key: app, operator: In, values: [web]}\n"
                          "  template"}}));
    c.trigger("dangling-service", Severity::Medium, "selector matches no workload",
              edited(set, {{"  selector:\n    app: web\n", "  selector:\n    app: api # <-\n"}}));
    c.clean("dangling-service", "a Service alone may front workloads applied elsewhere",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  "
            "selector:\n"
            "    app: api\n  ports:\n    - port: 80\n");
    c.trigger("invalid-target-ports", Severity::High, "named targetPort the pods lack",
              edited(set, {{kServicePort, "      port: 80\n      targetPort: metrics # <-\n"}}));
    c.trigger("invalid-target-ports", Severity::High, "numeric targetPort the pods lack",
              edited(set, {{kServicePort, "      port: 80\n      targetPort: 9090 # <-\n"}}));
    c.clean("invalid-target-ports", "numeric targetPort the pods declare",
            edited(set, {{kServicePort, "      port: 80\n      targetPort: 8080\n"}}));
    c.trigger(
        "bad-quantity", Severity::High, "512MB is not a quantity",
        edited(set, {{"              memory: 256Mi\n", "              memory: 512MB # <-\n"}}));
    c.clean("bad-quantity", "512M is one",
            edited(set, {{"              memory: 256Mi\n", "              memory: 512M\n"}}));
    c.trigger("liveness-port", Severity::High, "probe on an undeclared number",
              edited(set, {{"              path: /health\n              port: 8080\n",
                            "              path: /health\n              port: 9090 # <-\n"}}));
    c.clean("liveness-port", "probe on the port's name",
            edited(set, {{"              path: /health\n              port: 8080\n",
                          "              path: /health\n              port: http\n"}}));
    c.trigger("readiness-port", Severity::High, "probe on an undeclared name",
              edited(set, {{"              path: /ready\n              port: http\n",
                            "              path: /ready\n              port: admin # <-\n"}}));
    c.clean("readiness-port", "probe on the declared number",
            edited(set, {{"              path: /ready\n              port: http\n",
                          "              path: /ready\n              port: 8080\n"}}));
    c.trigger("startup-port", Severity::High, "tcpSocket probe on an undeclared port",
              edited(set, {{"          livenessProbe:\n", "          startupProbe:\n"
                                                          "            tcpSocket:\n"
                                                          "              port: 7000 # <-\n"
                                                          "          livenessProbe:\n"}}));
    c.clean("startup-port", "tcpSocket probe on a declared port",
            edited(set, {{"          livenessProbe:\n", "          startupProbe:\n"
                                                        "            tcpSocket:\n"
                                                        "              port: http\n"
                                                        "          livenessProbe:\n"}}));
    c.trigger("duplicate-env-var", Severity::High, "the same variable twice in a container",
              edited(set, {{kAppEnv, kAppEnv + "            - name: LOG_LEVEL # <-\n"
                                               "              value: warn\n"}}));
    c.clean("duplicate-env-var", "the same variable in two containers", set);
    c.trigger("duplicate-resource", Severity::High, "two Services named web",
              set + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web # <-\n"
                    "  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n"
                    "    - port: 81\n      targetPort: http\n");
    c.clean("duplicate-resource", "a ConfigMap may share the Service's name",
            set + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"
                  "  namespace: shop\ndata:\n  a: b\n");

    return c.cases;
}

const QList<PolicyCase>& policyCases()
{
    static const QList<PolicyCase> cases = semanticCases() + policyRuleCases();
    return cases;
}
