/**
 * The editable Camel YAML routes: finding them on disk, checking them, and loading them into the
 * node's CamelContext ({@link tandem.routes.RouteSet}, {@link tandem.routes.LoadedRoutes}); what a
 * node can do and be asked, read from them ({@link tandem.routes.Catalogue}: its actions, commands and
 * lanes), and that catalogue against what the rules name ({@link tandem.routes.RuleUses},
 * {@link tandem.routes.CatalogueCheck}).
 *
 * <p>Routes live in {@code routes/common}, {@code routes/<profile>} and any folder a site adds, as
 * {@code *.camel.yaml} files a site engineer edits without a rebuild. They only carry bodies between
 * the beans the runtime binds ({@code engine}, {@code commands}, the action beans {@code services},
 * {@code vip}, {@code replication}, {@code boot}, {@code fencing}, {@code peer}, {@code mail}):
 * checkers observe, rules decide, actions act. The rules every route file follows, and that {@code tandem check}
 * enforces with a {@code FILE:LINE: message} for each break:
 * <ul>
 *   <li>every route has an explicit {@code id}, unique across all folders (route ids are JMX names);</li>
 *   <li>every route names the shared error handler, {@code routeConfigurationId: tandem-errors}
 *       (routes/common/errors.camel.yaml), or another routeConfiguration a file defines;</li>
 *   <li>every {@code bean: {ref: X, method: M}} names a bound bean and one of its public methods,
 *       with its parameters when it has overloads ({@code submit('stop', ${header.origin}, ${header.args})});</li>
 *   <li>no {@code choice} or {@code filter}: a decision belongs in the rules, where it is logged
 *       with its reason and tested in scenarios;</li>
 *   <li>every action and command a rule names has its route {@code action-<name>} or
 *       {@code command-<name>}, and every action's lane its route {@code lane-<lane>}.</li>
 * </ul>
 * Camel's own checks (the YAML DSL's unknown keys and EIPs, endpoint options, property placeholders)
 * are reported the same way.
 */
package tandem.routes;
