using System.Security.Claims;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Pipeline.Testing;

/// <summary>An <see cref="HttpRequestData"/> to call a function method with: a method, a URL, headers and a body.</summary>
public sealed class TestHttpRequestData : HttpRequestData
{
    public TestHttpRequestData(FunctionContext context, string method, string url, byte[] body,
        IEnumerable<KeyValuePair<string, string>>? headers = null) : base(context)
    {
        Method = method;
        Url = new Uri(url, UriKind.Absolute);
        Body = new MemoryStream(body, 0, body.Length, writable: false, publiclyVisible: true);
        Headers = new HttpHeadersCollection(headers ?? []);
    }

    /// <summary>A POST of JSON text.</summary>
    public static TestHttpRequestData PostJson(FunctionContext context, string url, string json) =>
        new(context, "POST", url, Encoding.UTF8.GetBytes(json), [new("Content-Type", "application/json")]);

    public static TestHttpRequestData Get(FunctionContext context, string url) => new(context, "GET", url, []);

    public override Stream Body { get; }
    public override HttpHeadersCollection Headers { get; }
    public override IReadOnlyCollection<IHttpCookie> Cookies => [];
    public override Uri Url { get; }
    public override IEnumerable<ClaimsIdentity> Identities => [];
    public override string Method { get; }

    public override HttpResponseData CreateResponse() => new TestHttpResponseData(FunctionContext);
}

/// <summary>The answer a <see cref="TestHttpRequestData"/> creates: status, headers and a body to read back.</summary>
public sealed class TestHttpResponseData(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;
    public override HttpHeadersCollection Headers { get; set; } = new();
    public override Stream Body { get; set; } = new MemoryStream();
    public override HttpCookies Cookies => throw new NotSupportedException("no function of the app sets cookies");

    /// <summary>The body written, as text.</summary>
    public static string BodyOf(HttpResponseData response)
    {
        response.Body.Position = 0;
        return new StreamReader(response.Body, Encoding.UTF8).ReadToEnd();
    }
}
