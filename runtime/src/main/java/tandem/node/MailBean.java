package tandem.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import tandem.actions.Mailer;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.routes.Catalogue;

/**
 * The {@code mail} bean of the action routes (SBS-8): renders a mail template and hands the mail to the
 * node's sender, which delivers it in the background with retries, so a mail server that is down never
 * holds up the actions after it. A route names its template: {@code method: "send(${body}, 'takeover')"}
 * sends {@code mail/takeover.txt}.
 *
 * <p>A template is a file {@code mail/<name>.txt} in a route folder; a site's route folder that has one
 * of the same name replaces the shipped one (the last folder that has it wins). Its first line is
 * {@code Subject: ...}, then a blank line, then the text. Both are Camel simple-language templates over
 * the action's request as the body ({@code ${body.reason}}, {@code ${body.rule}}) and these headers:
 * {@code node}, {@code cluster}, {@code profile}, {@code peer}, {@code peerAddress} (address:port),
 * {@code config} (the node's configuration file) and {@code time} (ISO-8601, UTC).
 */
public final class MailBean {
    /** The folder, inside a route folder, that holds the templates. */
    public static final String TEMPLATES = "mail";
    /** The name the routes know this bean by. */
    public static final String BEAN = "mail";
    private static final String SUBJECT = "Subject:";

    /** Where the templates are looked up, and the context whose simple language renders them. */
    private record Routes(List<Path> folders, CamelContext context) {
    }

    private final NodeConfig config;
    private final Supplier<Mailer> mailer;
    private final Clock clock;
    private volatile Routes routes;

    /** @param mailer the sender of the moment, null when the node has no {@code mail:} section */
    public MailBean(NodeConfig config, Supplier<Mailer> mailer, Clock clock) {
        this.config = config;
        this.mailer = mailer;
        this.clock = clock;
    }

    /** The node's routes run from now on: templates come from {@code routeFolders}, rendered in {@code context}. */
    public void attach(List<Path> routeFolders, CamelContext context) {
        this.routes = new Routes(List.copyOf(routeFolders), context);
    }

    /**
     * Renders {@code mail/<template>.txt} for the request and delivers it now, once: the action succeeds
     * only when the mail server took it, and fails with the server's or the network's words otherwise
     * (the operator's test mail, whose outcome is the point).
     */
    public ActionResult sendNow(ActionRequest request, String template) {
        return withTemplate(request, template, (m, camel, file) -> {
            Mailer.Notice notice = render(camel, file, request, Map.of());
            try {
                return done(request, m.sendNow(notice));
            } catch (RuntimeException e) {
                // the server's or the network's words; the template was fine
                return new ActionResult(request.action(), false, e.getMessage(), clock.millis());
            }
        });
    }

    /** Renders {@code mail/<template>.txt} for the request and queues it for delivery. */
    public ActionResult send(ActionRequest request, String template) {
        return withTemplate(request, template, (m, camel, file) -> done(request,
                m.send(render(camel, file, request, Map.of()))));
    }

    /**
     * Renders {@code mail/<template>.txt} once for every address of {@code redundancy.switchover.users}
     * (or its {@code users-file}) and queues one mail to each (RED-10: every user is told that the phones
     * must be restarted), from {@code mail.from} through the node's {@code mail:} server. One mail each
     * rather than one to all: no user sees the others' addresses, and an address the server refuses
     * fails its own mail only. The template has one more header here, {@code user}: the address.
     * Succeeds with nothing sent when the list is empty.
     */
    public ActionResult sendToUsers(ActionRequest request, String template) {
        List<String> users = config.redundancy().flatMap(r -> r.switchover()).map(s -> s.users()).orElse(List.of());
        if (users.isEmpty()) {
            return new ActionResult(request.action(), true, "no user addresses in redundancy.switchover.users or"
                    + " users-file of " + config.file() + ": nobody to mail", clock.millis());
        }
        return withTemplate(request, template, (m, camel, file) -> {
            // every mail is rendered before any is queued: a template that fails sends none
            List<Mailer.Notice> notices = new ArrayList<>();
            for (String user : users) {
                notices.add(render(camel, file, request, Map.of("user", user)));
            }
            for (int i = 0; i < users.size(); i++) {
                m.send(notices.get(i), List.of(users.get(i)));
            }
            return done(request, "mail \"" + notices.get(0).subject() + "\" queued for " + users.size()
                    + " user(s): " + String.join(", ", users));
        });
    }

    /**
     * Renders {@code mail/<template>.txt} and queues it for the one address of
     * {@code redundancy.transfer.error-to} (RED-4: the manual's one address for error reports) instead of
     * {@code mail.to}. Whether a report is mailed at all ({@code transfer.mails}) is the rules' to say.
     */
    public ActionResult sendToErrorAddress(ActionRequest request, String template) {
        Optional<String> to = config.redundancy().flatMap(r -> r.transfer()).flatMap(t -> t.errorTo());
        if (to.isEmpty()) {
            return new ActionResult(request.action(), false, "no redundancy.transfer.error-to in " + config.file()
                    + ": nobody to send the error report to", clock.millis());
        }
        return withTemplate(request, template, (m, camel, file) -> {
            Mailer.Notice notice = render(camel, file, request, Map.of("errorTo", to.get()));
            m.send(notice, List.of(to.get()));
            return done(request, "mail \"" + notice.subject() + "\" queued for " + to.get());
        });
    }

    /** What a sender does once the mailer, the routes and its template are there. */
    private interface Delivery {
        ActionResult deliver(Mailer mailer, CamelContext camel, Path template) throws IOException;
    }

    /**
     * Runs {@code delivery} when the node has a mail server, its routes are loaded and a route folder has
     * {@code mail/<template>.txt}; otherwise, or when rendering or queueing fails, a failed result that
     * says which.
     */
    private ActionResult withTemplate(ActionRequest request, String template, Delivery delivery) {
        Mailer m = mailer.get();
        if (m == null) {
            return new ActionResult(request.action(), false, "no mail: section in " + config.file(), clock.millis());
        }
        Routes r = routes;
        if (r == null) {
            return new ActionResult(request.action(), false, "the node's routes are not loaded yet", clock.millis());
        }
        Optional<Path> file = template(r.folders(), template);
        if (file.isEmpty()) {
            return new ActionResult(request.action(), false, "no mail template " + TEMPLATES + "/" + template
                    + ".txt in " + r.folders(), clock.millis());
        }
        try {
            return delivery.deliver(m, r.context(), file.get());
        } catch (IOException | RuntimeException e) {
            return new ActionResult(request.action(), false, file.get() + ": " + e.getMessage(), clock.millis());
        }
    }

    private ActionResult done(ActionRequest request, String detail) {
        return new ActionResult(request.action(), true, detail, clock.millis());
    }

    /**
     * The action routes of {@code catalogue} that send a template ({@code send(${body}, '<name>')}) no
     * route folder has, each as {@code FILE:LINE: message}.
     */
    public static List<String> missingTemplates(Catalogue catalogue, List<Path> routeFolders) {
        List<String> errors = new ArrayList<>();
        for (Catalogue.Action a : catalogue.actions().values()) {
            for (Catalogue.BeanCall call : a.calls()) {
                if (call.ref().equals(BEAN) && (call.method().equals("send") || call.method().equals("sendNow")
                        || call.method().equals("sendToUsers")
                        || call.method().equals("sendToErrorAddress"))
                        && call.literals().size() == 1
                        && template(routeFolders, call.literals().get(0)).isEmpty()) {
                    errors.add(a.file() + ":" + a.line() + ": route " + Catalogue.ACTION_PREFIX + a.name()
                            + " sends the mail template \"" + call.literals().get(0) + "\", but no route folder has "
                            + TEMPLATES + "/" + call.literals().get(0) + ".txt");
                }
            }
        }
        return errors;
    }

    /** The template file {@code name} names: the last of the route folders that has it. */
    public static Optional<Path> template(List<Path> routeFolders, String name) {
        List<Path> reversed = new ArrayList<>(routeFolders);
        java.util.Collections.reverse(reversed);
        for (Path folder : reversed) {
            Path f = folder.resolve(TEMPLATES).resolve(name + ".txt");
            if (Files.isRegularFile(f)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private Mailer.Notice render(CamelContext camel, Path file, ActionRequest request, Map<String, String> headers)
            throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String first = (end < 0 ? text : text.substring(0, end)).strip();
        if (!first.startsWith(SUBJECT)) {
            throw new IllegalArgumentException("line 1: a mail template starts with \"" + SUBJECT + " ...\"");
        }
        String rest = end < 0 ? "" : text.substring(end + 1).replaceFirst("^\\r?\\n", "");
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(request);
        exchange.getIn().setHeader("node", config.node().id());
        exchange.getIn().setHeader("cluster", config.cluster().name());
        exchange.getIn().setHeader("profile", config.node().profile().yamlName());
        exchange.getIn().setHeader("peer", config.peer().id());
        exchange.getIn().setHeader("peerAddress", config.peer().address() + ":" + config.peer().port());
        exchange.getIn().setHeader("config", config.file().toString());
        exchange.getIn().setHeader("time", Instant.ofEpochMilli(clock.millis()).toString());
        headers.forEach(exchange.getIn()::setHeader);
        return new Mailer.Notice(evaluate(camel, exchange, first.substring(SUBJECT.length()).strip()),
                evaluate(camel, exchange, rest));
    }

    private static String evaluate(CamelContext camel, Exchange exchange, String template) {
        String out = camel.resolveLanguage("simple").createExpression(template).evaluate(exchange, String.class);
        if (exchange.getException() != null) {
            throw new IllegalArgumentException(exchange.getException().getMessage(), exchange.getException());
        }
        return out == null ? "" : out;
    }
}
