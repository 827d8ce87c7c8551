import Vitals

/// `GET /login`: the form a person signs in with when the server has tokens. It posts the token in the request's
/// body (never in the address, so it stays out of logs and history); the server answers with a session cookie.
package enum LoginPage {
    /// The page.
    ///
    /// - Parameters:
    ///   - next: Where to go once signed in, a path already checked by the server (escaped here).
    ///   - message: Why the last attempt failed, if it did (never the token).
    ///   - signedIn: Whether the browser has a session now (the page then offers to sign out).
    package static func render(next: String, message: String? = nil, signedIn: Bool = false) -> String {
        var body = ""
        if let message {
            body += "<p class=\"error\" role=\"alert\"><strong>Not signed in:</strong> \(Markup.escape(message))</p>"
        }
        body += """
            <p>This server has access tokens. Enter one to open the dashboard in this browser: a <code>read</code> \
            token shows the pages, an <code>admin</code> token also acknowledges and silences alerts. The token is \
            checked once; the browser keeps only a session cookie for 12 hours.</p>\
            <form class="filters" method="post" action="/login">\
            <label for="token">Token</label>\
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus \
            size="40">\
            <input type="hidden" name="next" value="\(Markup.escape(next))">\
            <button type="submit">Sign in</button></form>
            """
        if signedIn {
            body += """
                <form class="filters" method="post" action="/logout"><span>This browser is signed in.</span>\
                <button type="submit">Sign out</button></form>
                """
        }
        return DashboardLayout.page(
            title: "Sign in",
            section: nil,
            window: nil,
            path: "/login",
            live: false,
            body: body
        )
    }
}
