#ifndef CCURL_H
#define CCURL_H
// Typed wrappers around libcurl's variadic curl_easy_setopt / curl_easy_getinfo,
// which Swift cannot call directly.
#include <curl/curl.h>

typedef size_t (*ccurl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode ccurl_setopt_off(CURL *h, CURLoption opt, curl_off_t value);
CURLcode ccurl_setopt_str(CURL *h, CURLoption opt, const char *value);
CURLcode ccurl_setopt_ptr(CURL *h, CURLoption opt, void *value);
CURLcode ccurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);
CURLcode ccurl_setopt_datacb(CURL *h, CURLoption opt, ccurl_data_cb cb);
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *out);
CURLcode ccurl_getinfo_double(CURL *h, CURLINFO info, double *out);
CURLcode ccurl_getinfo_str(CURL *h, CURLINFO info, const char **out);
#endif
