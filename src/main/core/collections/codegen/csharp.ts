/** C# HttpClient (top-level statements, .NET 6+). */
import type { CodeRequest, Text } from './model'

export function csString(text: Text): string {
  if (text.every((p) => 'text' in p)) return verbatim(text.map((p) => (p as { text: string }).text).join(''))
  return `$"${text.map((p) => ('text' in p ? escape(p.text).replace(/[{}]/g, (c) => c + c) : `{Environment.GetEnvironmentVariable("${p.env}")}`)).join('')}"`
}

function escape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
}

function verbatim(s: string): string {
  return s.includes('\n') ? `@"${s.replace(/"/g, '""')}"` : `"${escape(s)}"`
}

const CONTENT_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'content-language', 'content-disposition'])

export function csharp(r: CodeRequest): string {
  const out: string[] = r.comments.map((c) => `// ${c}`)
  if (r.caFile) {
    out.push(`var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile("${r.caFile}");`)
    out.push('var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => { using var chain = new System.Security.Cryptography.X509Certificates.X509Chain(); chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust; chain.ChainPolicy.CustomTrustStore.Add(ca); return cert is not null && chain.Build(cert); } };')
    out.push('using var client = new HttpClient(handler);')
  } else out.push('using var client = new HttpClient();')
  const method = { GET: 'Get', POST: 'Post', PUT: 'Put', PATCH: 'Patch', DELETE: 'Delete', HEAD: 'Head', OPTIONS: 'Options' }[r.method] ?? 'Get'
  out.push(`using var request = new HttpRequestMessage(HttpMethod.${method}, ${csString(r.url)});`)
  for (const [k, v] of r.headers) if (!CONTENT_HEADERS.has(k.toLowerCase())) out.push(`request.Headers.TryAddWithoutValidation("${escape(k)}", ${csString(v)});`)
  if (r.body) {
    const type = r.headers.find(([k]) => k.toLowerCase() === 'content-type')
    const mediaType = type && type[1].every((p) => 'text' in p) ? type[1].map((p) => (p as { text: string }).text).join('') : 'text/plain'
    out.push(`request.Content = new StringContent(${csString(r.body)});`)
    out.push(`request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("${escape(mediaType)}");`)
  }
  out.push('using var response = await client.SendAsync(request);')
  out.push('Console.WriteLine((int)response.StatusCode);')
  out.push('Console.WriteLine(await response.Content.ReadAsStringAsync());')
  return out.join('\n') + '\n'
}
