namespace Pipeline.Functions.Hosting.Worker;

/// <summary>The worker's <see cref="HttpResponseData"/> as the bridge hands it out: status, headers and a body in memory.</summary>
internal sealed class InvocationHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    private HttpCookies? _cookies;

    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;

    public override HttpHeadersCollection Headers { get; set; } = new();

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies => _cookies ??= new SetCookieHeaders(Headers);

    /// <summary>
    /// What the hosts write back: the status, the body as text, its content type (<c>application/json</c> unless the
    /// function set another, as every answer of the app was typed), every other header joined as HTTP joins them.
    /// </summary>
    public static InvocationResponse ToInvocationResponse(HttpResponseData response)
    {
        string contentType = "application/json";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers)
        {
            var value = string.Join(name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? "\n" : ", ", values);
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = value;
            else headers[name] = value;
        }
        return new InvocationResponse((int)response.StatusCode, BodyText(response.Body), contentType) { Headers = headers };
    }

    private static string BodyText(Stream body)
    {
        if (body is MemoryStream memory && memory.TryGetBuffer(out var buffer)) return Encoding.UTF8.GetString(buffer);
        if (body.CanSeek) body.Position = 0;
        using var reader = new StreamReader(body, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Cookies a function appends become <c>Set-Cookie</c> headers.</summary>
    private sealed class SetCookieHeaders(HttpHeadersCollection headers) : HttpCookies
    {
        public override void Append(string name, string value) => Append(new HttpCookie(name, value));

        public override void Append(IHttpCookie cookie)
        {
            var text = new StringBuilder($"{cookie.Name}={WebUtility.UrlEncode(cookie.Value)}");
            if (cookie.Path is { } path) text.Append("; Path=").Append(path);
            if (cookie.Domain is { } domain) text.Append("; Domain=").Append(domain);
            if (cookie.MaxAge is { } maxAge) text.Append("; Max-Age=").Append((long)maxAge);
            if (cookie.Secure == true) text.Append("; Secure");
            if (cookie.HttpOnly == true) text.Append("; HttpOnly");
            headers.TryAddWithoutValidation("Set-Cookie", text.ToString());
        }

        public override IHttpCookie CreateNew() => new HttpCookie("", "");
    }
}
