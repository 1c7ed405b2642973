// libcurl, loaded when first used. The console links none of libcurl's stack (TLS, Kerberos,
// LDAP, SSH, HTTP/2: about twenty libraries) at start: loading and relocating them took about
// 5 ms before the first window could paint, and the first use of any HTTP client (a worker
// thread, after the first paint) now loads them instead. Every libcurl function the project
// calls is defined here and forwards to the library's own.
#include <curl/curl.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>

namespace {

constexpr char kLibrary[] = "libcurl.so.4";

struct CurlApi
{
    void* library = nullptr;
    decltype(&::curl_global_init) globalInit = nullptr;
    decltype(&::curl_free) free = nullptr;
    decltype(&::curl_easy_init) easyInit = nullptr;
    decltype(&::curl_easy_cleanup) easyCleanup = nullptr;
    decltype(&::curl_easy_reset) easyReset = nullptr;
    decltype(&::curl_easy_perform) easyPerform = nullptr;
    decltype(&::curl_easy_setopt) easySetopt = nullptr;
    decltype(&::curl_easy_getinfo) easyGetinfo = nullptr;
    decltype(&::curl_easy_strerror) easyStrerror = nullptr;
    decltype(&::curl_multi_init) multiInit = nullptr;
    decltype(&::curl_multi_cleanup) multiCleanup = nullptr;
    decltype(&::curl_multi_setopt) multiSetopt = nullptr;
    decltype(&::curl_multi_add_handle) multiAddHandle = nullptr;
    decltype(&::curl_multi_remove_handle) multiRemoveHandle = nullptr;
    decltype(&::curl_multi_perform) multiPerform = nullptr;
    decltype(&::curl_multi_poll) multiPoll = nullptr;
    decltype(&::curl_multi_wakeup) multiWakeup = nullptr;
    decltype(&::curl_multi_info_read) multiInfoRead = nullptr;
    decltype(&::curl_multi_socket_action) multiSocketAction = nullptr;
    decltype(&::curl_multi_timeout) multiTimeout = nullptr;
    decltype(&::curl_multi_strerror) multiStrerror = nullptr;
    decltype(&::curl_slist_append) slistAppend = nullptr;
    decltype(&::curl_slist_free_all) slistFreeAll = nullptr;
    decltype(&::curl_url) url = nullptr;
    decltype(&::curl_url_cleanup) urlCleanup = nullptr;
    decltype(&::curl_url_get) urlGet = nullptr;
    decltype(&::curl_url_set) urlSet = nullptr;
};

[[noreturn]] void cannotLoad(const char* what)
{
    // The package depends on libcurl: only a broken installation gets here.
    std::fprintf(stderr, "launchdeck: cannot load %s: %s\n", what, ::dlerror());
    std::abort();
}

template <typename Function> void resolve(void* library, Function& function, const char* name)
{
    void* symbol = ::dlsym(library, name);
    if (!symbol)
        cannotLoad(name);
    function = reinterpret_cast<Function>(symbol);
}

CurlApi load()
{
    CurlApi api;
    api.library = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!api.library)
        cannotLoad(kLibrary);
    void* const library = api.library;
    resolve(library, api.globalInit, "curl_global_init");
    resolve(library, api.free, "curl_free");
    resolve(library, api.easyInit, "curl_easy_init");
    resolve(library, api.easyCleanup, "curl_easy_cleanup");
    resolve(library, api.easyReset, "curl_easy_reset");
    resolve(library, api.easyPerform, "curl_easy_perform");
    resolve(library, api.easySetopt, "curl_easy_setopt");
    resolve(library, api.easyGetinfo, "curl_easy_getinfo");
    resolve(library, api.easyStrerror, "curl_easy_strerror");
    resolve(library, api.multiInit, "curl_multi_init");
    resolve(library, api.multiCleanup, "curl_multi_cleanup");
    resolve(library, api.multiSetopt, "curl_multi_setopt");
    resolve(library, api.multiAddHandle, "curl_multi_add_handle");
    resolve(library, api.multiRemoveHandle, "curl_multi_remove_handle");
    resolve(library, api.multiPerform, "curl_multi_perform");
    resolve(library, api.multiPoll, "curl_multi_poll");
    resolve(library, api.multiWakeup, "curl_multi_wakeup");
    resolve(library, api.multiInfoRead, "curl_multi_info_read");
    resolve(library, api.multiSocketAction, "curl_multi_socket_action");
    resolve(library, api.multiTimeout, "curl_multi_timeout");
    resolve(library, api.multiStrerror, "curl_multi_strerror");
    resolve(library, api.slistAppend, "curl_slist_append");
    resolve(library, api.slistFreeAll, "curl_slist_free_all");
    resolve(library, api.url, "curl_url");
    resolve(library, api.urlCleanup, "curl_url_cleanup");
    resolve(library, api.urlGet, "curl_url_get");
    resolve(library, api.urlSet, "curl_url_set");
    return api;
}

// Loaded once, by whichever thread first calls into libcurl.
const CurlApi& curl()
{
    static const CurlApi api = load();
    return api;
}

// The one argument after an option, passed on as the type its number says it has (libcurl's
// own rule for options: below 10000 a long, then pointers, from 30000 a curl_off_t, from 40000
// a pointer to a blob). Function pointers travel as object pointers, as on every platform
// libcurl's own varargs rely on.
template <typename Handle, typename Option, typename Setter>
auto forwardOption(Handle* handle, Option option, va_list arguments, Setter setter)
{
    const int number = static_cast<int>(option);
    if (number < CURLOPTTYPE_OBJECTPOINT)
        return setter(handle, option, va_arg(arguments, long));
    if (number >= CURLOPTTYPE_OFF_T && number < CURLOPTTYPE_BLOB)
        return setter(handle, option, va_arg(arguments, curl_off_t));
    return setter(handle, option, va_arg(arguments, void*));
}

} // namespace

// libcurl's variadic functions take an enumeration before their `...`, as curl.h declares them
// and as libcurl's own definitions start their va_list from; those enumerations are int-sized,
// so promotion leaves them as they are.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wvarargs"

extern "C" {

CURLcode curl_global_init(long flags)
{
    return curl().globalInit(flags);
}

void curl_free(void* pointer)
{
    curl().free(pointer);
}

CURL* curl_easy_init(void)
{
    return curl().easyInit();
}

void curl_easy_cleanup(CURL* handle)
{
    curl().easyCleanup(handle);
}

void curl_easy_reset(CURL* handle)
{
    curl().easyReset(handle);
}

CURLcode curl_easy_perform(CURL* handle)
{
    return curl().easyPerform(handle);
}

CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...)
{
    va_list arguments;
    va_start(arguments, option);
    const CURLcode result = forwardOption(handle, option, arguments, curl().easySetopt);
    va_end(arguments);
    return result;
}

CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...)
{
    // Every CURLINFO takes one pointer to where the answer goes.
    va_list arguments;
    va_start(arguments, info);
    void* answer = va_arg(arguments, void*);
    va_end(arguments);
    return curl().easyGetinfo(handle, info, answer);
}

const char* curl_easy_strerror(CURLcode code)
{
    return curl().easyStrerror(code);
}

CURLM* curl_multi_init(void)
{
    return curl().multiInit();
}

CURLMcode curl_multi_cleanup(CURLM* multi)
{
    return curl().multiCleanup(multi);
}

CURLMcode curl_multi_setopt(CURLM* multi, CURLMoption option, ...)
{
    va_list arguments;
    va_start(arguments, option);
    const CURLMcode result = forwardOption(multi, option, arguments, curl().multiSetopt);
    va_end(arguments);
    return result;
}

CURLMcode curl_multi_add_handle(CURLM* multi, CURL* handle)
{
    return curl().multiAddHandle(multi, handle);
}

CURLMcode curl_multi_remove_handle(CURLM* multi, CURL* handle)
{
    return curl().multiRemoveHandle(multi, handle);
}

CURLMcode curl_multi_perform(CURLM* multi, int* running)
{
    return curl().multiPerform(multi, running);
}

CURLMcode curl_multi_poll(CURLM* multi, struct curl_waitfd extra[], unsigned int count,
                          int timeoutMs, int* ready)
{
    return curl().multiPoll(multi, extra, count, timeoutMs, ready);
}

CURLMcode curl_multi_wakeup(CURLM* multi)
{
    return curl().multiWakeup(multi);
}

CURLMsg* curl_multi_info_read(CURLM* multi, int* left)
{
    return curl().multiInfoRead(multi, left);
}

CURLMcode curl_multi_socket_action(CURLM* multi, curl_socket_t socket, int mask, int* running)
{
    return curl().multiSocketAction(multi, socket, mask, running);
}

CURLMcode curl_multi_timeout(CURLM* multi, long* timeoutMs)
{
    return curl().multiTimeout(multi, timeoutMs);
}

const char* curl_multi_strerror(CURLMcode code)
{
    return curl().multiStrerror(code);
}

struct curl_slist* curl_slist_append(struct curl_slist* list, const char* text)
{
    return curl().slistAppend(list, text);
}

void curl_slist_free_all(struct curl_slist* list)
{
    curl().slistFreeAll(list);
}

CURLU* curl_url(void)
{
    return curl().url();
}

void curl_url_cleanup(CURLU* url)
{
    curl().urlCleanup(url);
}

CURLUcode curl_url_get(CURLU* url, CURLUPart part, char** text, unsigned int flags)
{
    return curl().urlGet(url, part, text, flags);
}

CURLUcode curl_url_set(CURLU* url, CURLUPart part, const char* text, unsigned int flags)
{
    return curl().urlSet(url, part, text, flags);
}

} // extern "C"

#pragma GCC diagnostic pop
