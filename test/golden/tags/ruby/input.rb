# frozen_string_literal: true

require 'json'
require "net/http"
require_relative 'support/retry'

module Shipping
  DEFAULT_CARRIER = :ups
  RATE_TABLE = {
    ups: 1.0,
    fedex: 1.2
  }.freeze

  class Error < StandardError; end

  class Quote
    include Comparable
    attr_reader :carrier, :cents
    attr_accessor :note

    def initialize(carrier, cents)
      @carrier = carrier
      @cents = cents
    end

    def <=>(other)
      cents <=> other.cents
    end

    def to_h
      { carrier: carrier, cents: cents }
    end
  end

  class Calculator < BaseCalculator
    def self.for_region(region)
      new(Region.lookup(region))
    end

    def quote(parcel, carrier: DEFAULT_CARRIER)
      rate = RATE_TABLE.fetch(carrier) { raise Error, "unknown carrier #{carrier}" }
      cents = (parcel.weight * rate * 100).round
      Quote.new(carrier, cents)
    end

    def fetch_remote(url)
      Support::Retry.with_backoff(3) do
        JSON.parse(Net::HTTP.get(URI(url)))
      end
    end

    private

    def log(message)
      puts "[shipping] #{message}"
    end
  end
end

def helper_quote(weight)
  Shipping::Calculator.for_region(:eu).quote(OpenStruct.new(weight: weight))
end
