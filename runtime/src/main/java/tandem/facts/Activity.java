package tandem.facts;

/** What the managed services of this node are doing, as observed from the results of the service actions. */
public enum Activity {
    STOPPED, STARTING, RUNNING, STOPPING, FAILED;

    /** True while the node holds, or may still hold, the services and the virtual IP. */
    public boolean holding() {
        return this != STOPPED;
    }
}
