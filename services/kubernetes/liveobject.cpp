// Reading an object's identity out of its JSON as the API server serves it.
#include "kubernetes/liveobject.h"

namespace launchdeck::kube {

LiveObject LiveObject::fromJson(const QJsonObject& json, const QString& kind)
{
    LiveObject object;
    const QJsonObject metadata = json.value(u"metadata").toObject();
    object.kind = json.value(u"kind").toString();
    if (object.kind.isEmpty())
        object.kind = kind;
    object.nameSpace = metadata.value(u"namespace").toString();
    object.name = metadata.value(u"name").toString();
    object.uid = metadata.value(u"uid").toString();
    object.resourceVersion = metadata.value(u"resourceVersion").toString();
    object.json = json;
    return object;
}

} // namespace launchdeck::kube
