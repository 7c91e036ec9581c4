package tandem.facts;

/**
 * What this node's managed services are doing: a fact of its own, apart from {@link LocalNode}, so that
 * the rules that match the node's state do not fire again when only the services change. The engine
 * inserts it at boot ({@link Activity#STOPPED}) and replaces it when a rule decides a new activity
 * ({@link Decision#services}); rules/common/services.drl derives it from the service actions asked for
 * ({@link Pending}) and their results ({@link ActionResult}).
 *
 * @param activity what the services are doing
 */
public record Services(Activity activity) {

    /** True while the node holds, or may still hold, the services and the virtual IP. */
    public boolean holding() {
        return activity.holding();
    }

    /** True once the services were started and run. */
    public boolean running() {
        return activity == Activity.RUNNING;
    }
}
