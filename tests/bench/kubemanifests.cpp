// The manifests the validation benchmarks generate.
#include "kubemanifests.h"

#include <QString>

#include <functional>
#include <iterator>

namespace launchdeck::bench {

namespace {

QByteArray deployment(int i)
{
    return QStringLiteral(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%1
  namespace: team-%2
  labels:
    app.kubernetes.io/name: app-%1
    app.kubernetes.io/part-of: shop
spec:
  replicas: %3
  selector:
    matchLabels:
      app: app-%1
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels:
        app: app-%1
    spec:
      containers:
        - name: app
          image: registry.example.com/app-%1:1.%2.0
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: LOG_LEVEL
              value: info
            - name: INSTANCE
              value: "%1"
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 1, memory: 512Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 10
)")
        .arg(i)
        .arg(i % 7)
        .arg(1 + i % 5)
        .toUtf8();
}

QByteArray serviceOf(int i)
{
    return QStringLiteral(R"(apiVersion: v1
kind: Service
metadata:
  name: app-%1
  namespace: team-%2
spec:
  type: ClusterIP
  selector:
    app: app-%1
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
)")
        .arg(i)
        .arg(i % 7)
        .toUtf8();
}

QByteArray configMap(int i)
{
    return QStringLiteral(R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: app-%1-config
  namespace: team-%2
data:
  LOG_FORMAT: json
  FEATURE_FLAGS: "a,b,c"
  app.properties: |
    threads=%3
    cache=on
)")
        .arg(i)
        .arg(i % 7)
        .arg(2 + i % 8)
        .toUtf8();
}

QByteArray statefulSet(int i)
{
    return QStringLiteral(R"(apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-%1
spec:
  serviceName: db-%1
  replicas: 3
  selector:
    matchLabels: {app: db-%1}
  template:
    metadata:
      labels: {app: db-%1}
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: postgres
          image: postgres:15
          ports: [{containerPort: 5432, name: pg}]
          volumeMounts:
            - {name: data, mountPath: /var/lib/postgresql/data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 10Gi}
)")
        .arg(i)
        .toUtf8();
}

QByteArray ingress(int i)
{
    return QStringLiteral(R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-%1
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  ingressClassName: nginx
  rules:
    - host: app-%1.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: app-%1
                port: {number: 80}
)")
        .arg(i)
        .toUtf8();
}

QByteArray cronJob(int i)
{
    return QStringLiteral(R"(apiVersion: batch/v1
kind: CronJob
metadata:
  name: job-%1
spec:
  schedule: "%2 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: job
              image: busybox:1.36
              command: ["sh", "-c", "echo %1"]
)")
        .arg(i)
        .arg(i % 60)
        .toUtf8();
}

} // namespace

QByteArray kubeManifest(int i)
{
    const std::function<QByteArray(int)> makers[] = {deployment,  serviceOf, configMap,
                                                     statefulSet, ingress,   cronJob};
    return makers[static_cast<size_t>(i) % std::size(makers)](i);
}

QByteArray kubeService(int i)
{
    return serviceOf(i);
}

} // namespace launchdeck::bench
