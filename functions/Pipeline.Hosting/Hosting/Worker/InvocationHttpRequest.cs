using System.Collections.Specialized;
using System.Security.Claims;

namespace Pipeline.Functions.Hosting.Worker;

/// <summary>
/// The worker's <see cref="HttpRequestData"/> over the request an invocation carries. The body stream is the
/// received bytes themselves (no copy), so <see cref="HttpRequestBodies.RawBody"/> gives them back exactly; headers,
/// URL and cookies are built only when a function asks for them.
/// </summary>
internal sealed class InvocationHttpRequest(FunctionContext context, InvocationRequest request) : HttpRequestData(context)
{
    private Stream? _body;
    private HttpHeadersCollection? _headers;
    private Uri? _url;
    private NameValueCollection? _query;
    private IReadOnlyCollection<IHttpCookie>? _cookies;

    public InvocationRequest Request => request;

    public override Stream Body => _body ??= BodyStream(request.RawBody);

    public override HttpHeadersCollection Headers =>
        _headers ??= new HttpHeadersCollection(request.Headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value)));

    public override IReadOnlyCollection<IHttpCookie> Cookies => _cookies ??= ReadCookies(request.Header("Cookie"));

    public override Uri Url => _url ??= Absolute(request.Url);

    public override IEnumerable<ClaimsIdentity> Identities => [];

    public override string Method => request.Method;

    /// <summary>The query as the invocation read it: repeated keys keep every value (the Functions host comma-joins them).</summary>
    public override NameValueCollection Query => _query ??= ReadQuery(request.Query);

    public override HttpResponseData CreateResponse() => new InvocationHttpResponse(FunctionContext);

    private static MemoryStream BodyStream(ReadOnlyMemory<byte> raw)
    {
        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(raw, out var segment))
            return new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false, publiclyVisible: true);
        var copy = raw.ToArray();
        return new MemoryStream(copy, 0, copy.Length, writable: false, publiclyVisible: true);
    }

    private static Uri Absolute(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute : new Uri(new Uri("http://localhost"), url);

    private static NameValueCollection ReadQuery(IReadOnlyDictionary<string, string[]> query)
    {
        var collection = new NameValueCollection(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            foreach (var value in values) collection.Add(key, value);
        }
        return collection;
    }

    private static IReadOnlyCollection<IHttpCookie> ReadCookies(string? header)
    {
        if (string.IsNullOrEmpty(header)) return [];
        var cookies = new List<IHttpCookie>();
        foreach (var pair in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) continue;
            cookies.Add(new HttpCookie(pair[..equals], WebUtility.UrlDecode(pair[(equals + 1)..])));
        }
        return cookies;
    }
}
