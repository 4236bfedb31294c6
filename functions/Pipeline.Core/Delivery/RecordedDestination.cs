namespace Pipeline.Functions.Delivery;

/// <summary>
/// A destination whose deliveries the delivery log records but that is not a <see cref="ReplayableDestination"/>
/// (its deliveries are made by its own module, not from a subscription): the admin API lists its deliveries too.
/// </summary>
public sealed record RecordedDestination(string Name);
