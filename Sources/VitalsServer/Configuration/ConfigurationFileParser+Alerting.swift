import Foundation
import Vitals
import VitalsAlerting
import VitalsRules
import VitalsStore
import Yams

extension ConfigurationFileParser {
    /// The `alerting:` section.
    func alerting(_ node: Node) throws(ServerConfigurationError) -> AlertingSettings {
        var ruleSources: [String] = []
        var rules: [Rule] = []
        var interval: Duration?
        var externalURL: String?
        var receivers: [ReceiverConfiguration] = []
        var routeNode: Node?
        var inhibit: [InhibitRule]?
        for (key, value) in try mapping(node, "alerting") {
            let name = "alerting.\(key.string ?? "")"
            switch key.string {
            case "rules":
                ruleSources = try strings(value, name)
                var sets: [RuleSet] = []
                for source in ruleSources {
                    do {
                        sets.append(try RuleSet.resolve(relativeToFile(source)))
                    } catch {
                        throw self.error(value, "\(name): \(error)")
                    }
                }
                do {
                    rules = try RuleSet.combined(sets)
                } catch {
                    throw self.error(value, "\(name): \(error)")
                }
            case "evaluation_interval": interval = try duration(value, name)
            case "external_url":
                let url = try string(value, name)
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw error(value, "\(name): \"\(url)\" is not an http:// or https:// URL")
                }
                externalURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            case "receivers": receivers = try self.receivers(value)
            case "route": routeNode = value
            case "inhibit_rules": inhibit = try inhibitRules(value)
            default:
                throw unknown(
                    key,
                    name,
                    expected: "rules, evaluation_interval, external_url, receivers, route, inhibit_rules"
                )
            }
        }
        guard !rules.isEmpty else { throw error(node, "alerting: no `rules:`; expected pack names or rule files") }
        guard !receivers.isEmpty else { throw error(node, "alerting: no `receivers:`") }
        guard let routeNode else { throw error(node, "alerting: no `route:`; expected `route: {receiver: NAME}`") }
        var cap = 10
        let route = try self.route(routeNode, parent: nil, path: "alerting.route", cap: &cap)
        let known = Set(receivers.map(\.name))
        for name in route.receivers where !known.contains(name) {
            throw error(
                routeNode,
                "alerting.route: receiver \"\(name)\" is not among the receivers (\(known.sorted().joined(separator: ", ")))"
            )
        }
        var settings = AlertingSettings(rules: rules, ruleSources: ruleSources, receivers: receivers, route: route)
        if let interval { settings.evaluationInterval = interval }
        settings.externalURL = externalURL
        if let inhibit { settings.inhibitRules = inhibit }
        settings.maxNotificationsPerHour = cap
        return settings
    }

    /// A rule file named relative to the configuration file (pack names are left alone).
    private func relativeToFile(_ source: String) -> String {
        guard source.contains("/") || source.hasSuffix(".yml") || source.hasSuffix(".yaml"), !source.hasPrefix("/")
        else { return source }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? source : directory + "/" + source
    }

    private func receivers(_ node: Node) throws(ServerConfigurationError) -> [ReceiverConfiguration] {
        guard case .sequence(let items) = node else {
            throw error(
                node,
                "alerting.receivers is not a list; expected `- {name: …, type: slack|webhook|telegram|log, …}`"
            )
        }
        var receivers: [ReceiverConfiguration] = []
        for item in items {
            var fields: [String: (Node, Node)] = [:]
            for (key, value) in try mapping(item, "a receiver") {
                let name = key.string ?? ""
                guard ["name", "type", "url", "headers", "bot_token", "chat_id", "api_url"].contains(name) else {
                    throw unknown(
                        key,
                        "alerting.receivers.\(name)",
                        expected: "name, type, url, headers, bot_token, chat_id, api_url"
                    )
                }
                fields[name] = (key, value)
            }
            func required(_ key: String) throws(ServerConfigurationError) -> String {
                guard let (_, value) = fields[key] else { throw error(item, "a receiver has no `\(key):`") }
                let text = try string(value, "alerting.receivers.\(key)")
                guard !text.isEmpty else { throw error(value, "alerting.receivers.\(key) is empty") }
                return text
            }
            func url(_ key: String) throws(ServerConfigurationError) -> String {
                let text = try required(key)
                guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
                    // The value may be a secret: it is not repeated in the message.
                    throw error(fields[key]!.1, "alerting.receivers.\(key): not an http:// or https:// URL")
                }
                return text
            }
            let name = try required("name")
            guard !receivers.contains(where: { $0.name == name }) else {
                throw error(item, "receiver \"\(name)\" is defined twice")
            }
            let kind: ReceiverConfiguration.Kind
            switch try required("type") {
            case "slack": kind = .slack(url: try url("url"))
            case "webhook":
                var headers: [String: String] = [:]
                if let (_, value) = fields["headers"] {
                    for (header, headerValue) in try mapping(value, "alerting.receivers.headers") {
                        headers[header.string ?? ""] = try string(headerValue, "alerting.receivers.headers")
                    }
                }
                kind = .webhook(url: try url("url"), headers: headers)
            case "telegram":
                let api = fields["api_url"] == nil ? "https://api.telegram.org" : try url("api_url")
                kind = .telegram(botToken: try required("bot_token"), chatID: try required("chat_id"), apiURL: api)
            case "log": kind = .log
            case let other:
                throw error(
                    fields["type"]!.1,
                    "receiver \"\(name)\": unknown type \"\(other)\"; expected slack, webhook, telegram or log"
                )
            }
            let receiver = ReceiverConfiguration(name: name, kind: kind)
            do {
                try receiver.validate()
            } catch {
                throw self.error(item, "\(error)")
            }
            receivers.append(receiver)
        }
        return receivers
    }

    private func route(
        _ node: Node,
        parent: Route?,
        path: String,
        cap: inout Int
    ) throws(ServerConfigurationError) -> Route {
        var route = parent ?? Route(receiver: "")
        route.matchers = []
        route.routes = []
        route.continueMatching = false
        var children: [Node] = []
        for (key, value) in try mapping(node, path) {
            let name = "\(path).\(key.string ?? "")"
            switch key.string {
            case "receiver": route.receiver = try string(value, name)
            case "group_by": route.groupBy = try strings(value, name)
            case "group_wait": route.groupWaitMilliseconds = try milliseconds(value, name, allowZero: true)
            case "group_interval": route.groupIntervalMilliseconds = try milliseconds(value, name, allowZero: false)
            case "repeat_interval": route.repeatIntervalMilliseconds = try milliseconds(value, name, allowZero: false)
            case "continue": route.continueMatching = try string(value, name) == "true"
            case "match": route.matchers = try matchers(value, name)
            case "max_notifications_per_hour":
                guard parent == nil else { throw error(value, "\(name): set it on the top route only") }
                cap = try integer(value, name, in: 1...100_000)
            case "routes":
                guard case .sequence(let items) = value else { throw error(value, "\(name) is not a list of routes") }
                children = Array(items)
            default:
                throw unknown(
                    key,
                    name,
                    expected:
                        "receiver, group_by, group_wait, group_interval, repeat_interval, continue, match, routes, "
                        + "max_notifications_per_hour"
                )
            }
        }
        guard !route.receiver.isEmpty else { throw error(node, "\(path): no `receiver:`") }
        if parent != nil, route.matchers.isEmpty { throw error(node, "\(path): a child route needs `match:`") }
        for (index, child) in children.enumerated() {
            route.routes.append(try self.route(child, parent: route, path: "\(path).routes[\(index)]", cap: &cap))
        }
        return route
    }

    /// `{label: value}`, `{label: "~pattern"}`, `{label: "!value"}`, `{label: "!~pattern"}`.
    private func matchers(_ node: Node, _ name: String) throws(ServerConfigurationError) -> [SilenceMatcher] {
        var matchers: [SilenceMatcher] = []
        for (key, value) in try mapping(node, name) {
            let label = key.string ?? ""
            let text = try string(value, "\(name).\(label)")
            let matcher: SilenceMatcher
            if text.hasPrefix("!~") {
                matcher = SilenceMatcher(name: label, value: String(text.dropFirst(2)), isRegex: true, isEqual: false)
            } else if text.hasPrefix("~") {
                matcher = SilenceMatcher(name: label, value: String(text.dropFirst()), isRegex: true)
            } else if text.hasPrefix("!") {
                matcher = SilenceMatcher(name: label, value: String(text.dropFirst()), isEqual: false)
            } else {
                matcher = SilenceMatcher(name: label, value: text)
            }
            if matcher.isRegex {
                let probe = Silence(
                    id: "x",
                    matchers: [matcher],
                    startsAt: .init(nanosecondsSinceEpoch: 0),
                    endsAt: .init(nanosecondsSinceEpoch: 1),
                    createdBy: "",
                    comment: ""
                )
                do { try probe.validate() } catch { throw self.error(value, "\(name).\(label): \(error)") }
            }
            matchers.append(matcher)
        }
        return matchers
    }

    private func inhibitRules(_ node: Node) throws(ServerConfigurationError) -> [InhibitRule] {
        guard case .sequence(let items) = node else {
            throw error(
                node,
                "alerting.inhibit_rules is not a list; expected `- {source: {…}, target: {…}, equal: […]}`"
            )
        }
        var rules: [InhibitRule] = []
        for item in items {
            var rule = InhibitRule(source: [], target: [])
            for (key, value) in try mapping(item, "an inhibit rule") {
                let name = "alerting.inhibit_rules.\(key.string ?? "")"
                switch key.string {
                case "source": rule.source = try matchers(value, name)
                case "target": rule.target = try matchers(value, name)
                case "equal": rule.equal = try strings(value, name)
                default: throw unknown(key, name, expected: "source, target, equal")
                }
            }
            guard !rule.source.isEmpty, !rule.target.isEmpty else {
                throw error(item, "an inhibit rule needs `source:` and `target:`")
            }
            rules.append(rule)
        }
        return rules
    }

    private func milliseconds(_ node: Node, _ name: String, allowZero: Bool) throws(ServerConfigurationError) -> Double
    {
        if allowZero, let text = try? string(node, name), text == "0" || text == "0s" { return 0 }
        return Double(try duration(node, name).nanoseconds) / 1e6
    }
}
