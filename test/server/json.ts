// Typed reads of HTTP answers in the server tests: the body is whatever the route documents, so
// the caller names the shape it expects (the assertions then check it).

export async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
